import { login, show } from "./console.js";

// Goes back where the operator was going, but only to a page of this console.
function next() {
  const wanted = new URLSearchParams(location.search).get("next") || "";
  return /^\/console\/[A-Za-z0-9_-]*(\.html)?(\?[^#]*)?$/.test(wanted) ? wanted : "index.html";
}

document.getElementById("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("login-error");
  show(error);
  try {
    await login(
      document.getElementById("name").value,
      document.getElementById("password").value
    );
    location.assign(next());
  } catch (e) {
    show(error, e.message);
  }
});
