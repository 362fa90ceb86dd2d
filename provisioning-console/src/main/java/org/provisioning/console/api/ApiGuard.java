package org.provisioning.console.api;

import java.util.Optional;

/**
 * Decides who a request comes from and whether it may do what it asks. The default guard knows the
 * API token only; the console's guard adds users, browser sessions and CSRF tokens.
 */
@FunctionalInterface
public interface ApiGuard {

  /**
   * @param required the role the route needs ({@link RoutePolicy}); empty for a public route
   * @return the caller, or the refusal (401 not authenticated, 403 not allowed) to answer with
   */
  Admission admit(ApiRequest request, Optional<Role> required);

  /**
   * Whether a caller admitted before still is, without counting this as the caller's activity: an
   * open event stream asks before every frame and keepalive, which the user did not make, and would
   * otherwise keep an idle session from ever timing out.
   */
  default Admission recheck(ApiRequest request, Optional<Role> required) {
    return admit(request, required);
  }

  /** Either a principal (null on a public route called anonymously) or a refusal. */
  record Admission(ApiPrincipal principal, ApiResponse refusal) {
    public static Admission of(ApiPrincipal principal) {
      return new Admission(principal, null);
    }

    public static Admission refuse(int status, String message) {
      // The message may hold the request's path: escaped (ApiResponse.errorJson).
      return new Admission(null, new ApiResponse(status, ApiResponse.errorJson(message)));
    }

    public boolean admitted() {
      return refusal == null;
    }
  }

  String MISSING_TOKEN =
      "missing or wrong API token; send 'Authorization: Bearer <token>' with the token from the"
          + " api-token file in the server's data directory, or log in (POST /api/v1/session)";

  /** The API token as the only credential: whoever holds it is admin. */
  static ApiGuard token(ApiToken token) {
    return (request, required) -> {
      if (token.admits(request.authorization())) {
        return Admission.of(ApiPrincipal.token());
      }
      return required.isEmpty() ? Admission.of(null) : Admission.refuse(401, MISSING_TOKEN);
    };
  }
}
