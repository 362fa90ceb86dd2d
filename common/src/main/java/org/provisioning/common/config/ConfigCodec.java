package org.provisioning.common.config;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.net.Ipv4Range;
import org.provisioning.common.net.Ipv4Subnet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads and writes the config document. Reading never stops at the first problem: unknown keys,
 * values of the wrong type and unparsable addresses are all collected with their paths, then the
 * {@link ConfigValidator} rules run, and the caller gets every error at once.
 *
 * <p>YAML is a superset of JSON, so the same reader takes the file, an API body in JSON, and the
 * CLI's YAML.
 */
public final class ConfigCodec {
  private static final Logger log = LoggerFactory.getLogger(ConfigCodec.class);

  /**
   * The most a config may take as JSON: its version's journal record (16 MiB at most) holds it and
   * a little about it (a version adopted from the failover partner leaves the oldest of the history
   * it brings out as needed).
   */
  static final long MAX_RECORD_BYTES = 15L << 20;

  private final ObjectMapper yaml;
  private final ObjectMapper json;
  private final ObjectMapper masking;
  private final List<ConfigRule> rules;

  /** A codec that judges documents by their content alone. */
  public ConfigCodec() {
    this(List.of());
  }

  /**
   * A codec that also applies rules needing more than the document (files that must exist,
   * templates that must parse) to every new document it parses.
   */
  public ConfigCodec(List<ConfigRule> rules) {
    this.rules = List.copyOf(rules);
    SimpleModule addresses = new SimpleModule("provisioning-addresses");
    scalar(addresses, Ipv4Address.class, Ipv4Address::parse);
    scalar(addresses, Ipv4Range.class, Ipv4Range::parse);
    scalar(addresses, Ipv4Subnet.class, Ipv4Subnet::parse);
    scalar(addresses, BootServer.class, BootServer::parse);
    this.yaml =
        YAMLMapper.builder(
                YAMLFactory.builder()
                    .loaderOptions(loaderOptions())
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .build())
            .addModule(addresses)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();
    this.json =
        JsonMapper.builder()
            .addModule(addresses)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    this.masking = json.copy().setAnnotationIntrospector(new SecretMasking());
  }

  /**
   * SnakeYAML refuses documents over 3 MiB by default: a config with some thousands of reservations
   * would be accepted by the API (up to {@code management.maxBodyBytes}, at most 64 MiB) and then
   * be unreadable from the journal at the next start. The limit is the API's largest body, in
   * characters, with room for the defaults a stored version spells out.
   */
  private static LoaderOptions loaderOptions() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_DOCUMENT_CODE_POINTS);
    return options;
  }

  /** Serialises every {@link Secret} value as {@link #MASK}, a null one as null. */
  private static final class SecretMasking
      extends com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector {
    @Override
    public Object findSerializer(com.fasterxml.jackson.databind.introspect.Annotated a) {
      if (a.hasAnnotation(Secret.class)) {
        return new com.fasterxml.jackson.databind.ser.std.StdSerializer<Object>(Object.class) {
          @Override
          public void serialize(
              Object value,
              com.fasterxml.jackson.core.JsonGenerator gen,
              com.fasterxml.jackson.databind.SerializerProvider provider)
              throws IOException {
            gen.writeString(MASK);
          }
        };
      }
      return super.findSerializer(a);
    }
  }

  /**
   * Parses and validates a document.
   *
   * @throws ConfigException with every error found, each with its path
   */
  public ProvisioningConfig parse(String document) throws ConfigException {
    return read(document, true, false);
  }

  /**
   * Parses a document that was accepted before (from the journal or the failover peer): the
   * document's own rules apply, the {@link ConfigRule}s about this machine's files do not, so a
   * template missing here never makes a replicated version unreadable.
   */
  public ProvisioningConfig parseAccepted(String document) throws ConfigException {
    return read(document, false, false);
  }

  /**
   * Parses a version this suite accepted and journaled (replayed from the journal, or sent by the
   * failover partner): as {@link #parseAccepted}, but a rule of the document's own that it breaks
   * is logged, not refused. It met the rules of the build that accepted it; a rule added since (a
   * reservation may not take the router's address, say) made it unreadable, and a restart after an
   * upgrade then ran an older version, or the pair two different ones, without a word.
   *
   * @throws ConfigException if the document cannot be read as a config at all
   */
  public ProvisioningConfig parseKept(String document) throws ConfigException {
    return read(document, false, true);
  }

  private ProvisioningConfig read(String document, boolean applyRules, boolean kept)
      throws ConfigException {
    ErrorCollector collector = new ErrorCollector();
    ProvisioningConfig config;
    try {
      JsonNode tree = yaml.readTree(document);
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        config = null;
      } else if (!tree.isObject()) {
        throw new ConfigException(
            List.of(
                new ConfigError(
                    "", "the document must be a mapping of sections (server, dhcp, ...)")));
      } else {
        config = yaml.readerFor(ProvisioningConfig.class).withHandler(collector).readValue(tree);
      }
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      ConfigError error =
          new ConfigError(pathOf(e), "cannot be read" + where + ": " + e.getOriginalMessage());
      throw e instanceof JsonParseException
          ? new ConfigSyntaxException(error)
          : new ConfigException(List.of(error));
    } catch (IOException e) {
      throw new ConfigSyntaxException(new ConfigError("", "cannot be read: " + e.getMessage()));
    }
    if (config == null) {
      config = new ProvisioningConfig(null, null, null, null, null, null, null, null);
    }
    List<ConfigError> errors = new ArrayList<>(collector.errors);
    JsonNode asRecord = json.valueToTree(config);
    maskedSecrets(asRecord, masking.valueToTree(config), "", errors);
    long recordBytes = asRecord.toString().getBytes(StandardCharsets.UTF_8).length;
    if (recordBytes > MAX_RECORD_BYTES) {
      // Accepted, it could not be journaled: provisiond exited at start (systemd restarting it in
      // vain) or the API answered 500.
      errors.add(
          new ConfigError(
              "",
              "takes "
                  + recordBytes / (1 << 20)
                  + " MiB as a journal record, over the "
                  + MAX_RECORD_BYTES / (1 << 20)
                  + " MiB a version may take: fewer reservations, or classes with fewer"
                  + " options"));
    }
    List<ConfigError> broken = new ConfigValidator(collector.errors).validate(config);
    if (kept && errors.isEmpty() && !broken.isEmpty()) {
      log.warn(
          "CONFIG_KEPT_DESPITE_RULES errors={}: a version accepted before breaks rules of this"
              + " build; it runs as it was accepted, and the next change must meet them",
          broken);
      return config;
    }
    errors.addAll(broken);
    if (applyRules && errors.isEmpty()) {
      for (ConfigRule rule : rules) {
        errors.addAll(rule.check(config));
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return config;
  }

  /** The document as YAML, every default spelled out. */
  public String toYaml(ProvisioningConfig config) {
    try {
      return yaml.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a config record cannot fail to serialise", e);
    }
  }

  /** A config tree ({@link #maskedTree}) as YAML, for people to read and compare line by line. */
  public String toYaml(JsonNode tree) {
    try {
      return yaml.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree cannot fail to serialise", e);
    }
  }

  /** The document as indented JSON, every default spelled out. */
  public String toJson(ProvisioningConfig config) {
    try {
      return json.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a config record cannot fail to serialise", e);
    }
  }

  /** A JSON mapper that knows the config's value types, for embedding config in API replies. */
  public ObjectMapper jsonMapper() {
    return json;
  }

  /** What a {@link Secret} value is shown as. */
  public static final String MASK = "********";

  /** The longest config document read, in characters (see {@link #loaderOptions}). */
  static final int MAX_DOCUMENT_CODE_POINTS = 256 << 20;

  /** The config as a JSON tree for people to read: every {@link Secret} value is {@link #MASK}. */
  public JsonNode maskedTree(ProvisioningConfig config) {
    return masking.valueToTree(config);
  }

  /** A config document (YAML or JSON) as a tree; null if it is not one. */
  public JsonNode documentTree(String document) {
    try {
      return yaml.readTree(document);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /**
   * The document with every {@link #MASK} that stands where a {@link Secret} of {@code running} is
   * replaced by the running value, as JSON: a config read with secrets masked, edited and sent back
   * keeps its secrets. A document that is not a JSON or YAML mapping is returned unchanged (parsing
   * it reports why).
   */
  public String restoreSecrets(String document, ProvisioningConfig running) {
    JsonNode incoming;
    try {
      incoming = yaml.readTree(document);
    } catch (JsonProcessingException e) {
      return document;
    }
    if (incoming == null || !incoming.isObject()) {
      return document;
    }
    if (!restore(incoming, json.valueToTree(running), masking.valueToTree(running), true)) {
      return document;
    }
    try {
      return json.writeValueAsString(incoming);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree cannot fail to serialise", e);
    }
  }

  /**
   * The fields that say where a secret beside them goes (an SMTP host, a trap receiver's address,
   * whether mail is encrypted): a mask is not restored in an object whose destination changed, or
   * an operator could send the running password or community to a host of their choosing without
   * ever seeing it. Only the fields the document gives are compared.
   */
  private static final List<String> DESTINATION = List.of("host", "address", "port", "security");

  /**
   * Walks the three trees in step; returns true if it replaced something. {@code sameDestination}:
   * no object around this one changed where its secrets go (a v3 trap receiver's keys sit in its
   * {@code user}, the address beside it).
   */
  private static boolean restore(
      JsonNode incoming, JsonNode plain, JsonNode masked, boolean destinationKept) {
    boolean replaced = false;
    if (incoming instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
      boolean sameDestination =
          destinationKept
              && DESTINATION.stream()
                  .allMatch(
                      k -> !object.has(k) || object.get(k).asText().equals(plain.path(k).asText()));
      for (var it = object.fields(); it.hasNext(); ) {
        var field = it.next();
        JsonNode p = plain.path(field.getKey());
        JsonNode m = masked.path(field.getKey());
        if (sameDestination && isMaskedSecret(field.getValue(), p, m)) {
          field.setValue(p);
          replaced = true;
        } else {
          replaced |= restore(field.getValue(), p, m, sameDestination);
        }
      }
    } else if (incoming instanceof com.fasterxml.jackson.databind.node.ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        if (destinationKept && isMaskedSecret(array.get(i), plain.path(i), masked.path(i))) {
          array.set(i, plain.path(i));
          replaced = true;
        } else {
          replaced |= restore(array.get(i), plain.path(i), masked.path(i), destinationKept);
        }
      }
    }
    return replaced;
  }

  /**
   * A secret whose value is the mask itself: a masked document sent back where the mask could not
   * be restored (a new entry, or one whose destination changed). Never a real secret.
   */
  private static void maskedSecrets(
      JsonNode plain, JsonNode masked, String path, List<ConfigError> errors) {
    if (plain.isTextual()) {
      if (plain.asText().equals(MASK) && masked.isTextual() && masked.asText().equals(MASK)) {
        errors.add(
            new ConfigError(
                path,
                "is the mask "
                    + MASK
                    + ", not a secret: a new entry, or one whose host, address, port or security"
                    + " changed, needs the secret itself"));
      }
    } else if (plain.isObject()) {
      for (var it = plain.fields(); it.hasNext(); ) {
        var field = it.next();
        maskedSecrets(
            field.getValue(),
            masked.path(field.getKey()),
            path.isEmpty() ? field.getKey() : path + "." + field.getKey(),
            errors);
      }
    } else if (plain.isArray()) {
      for (int i = 0; i < plain.size(); i++) {
        maskedSecrets(plain.get(i), masked.path(i), path + "[" + i + "]", errors);
      }
    }
  }

  private static boolean isMaskedSecret(JsonNode incoming, JsonNode plain, JsonNode masked) {
    return incoming.isTextual()
        && incoming.asText().equals(MASK)
        && masked.isTextual()
        && masked.asText().equals(MASK)
        && !plain.isMissingNode()
        && !plain.equals(masked);
  }

  private static <T> void scalar(SimpleModule module, Class<T> type, Function<String, T> parser) {
    module.addSerializer(type, ToStringSerializer.instance);
    module.addDeserializer(type, new ParsingDeserializer<>(type, parser));
  }

  /**
   * Parses a scalar with the value type's own strict parser and hands a failure to the problem
   * handler, so that a bad address is one error among many instead of the end of reading.
   */
  private static final class ParsingDeserializer<T> extends StdScalarDeserializer<T> {
    private final transient Function<String, T> parser;

    ParsingDeserializer(Class<T> type, Function<String, T> parser) {
      super(type);
      this.parser = parser;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.hasToken(JsonToken.VALUE_STRING)) {
        return (T) ctxt.handleUnexpectedToken(handledType(), p);
      }
      String text = p.getText();
      try {
        return parser.apply(text.trim());
      } catch (IllegalArgumentException e) {
        return (T) ctxt.handleWeirdStringValue(handledType(), text, e.getMessage());
      }
    }
  }

  /** Records each binding problem with its path and lets reading go on. */
  private static final class ErrorCollector extends DeserializationProblemHandler {
    final List<ConfigError> errors = new ArrayList<>();

    @Override
    public boolean handleUnknownProperty(
        DeserializationContext ctxt,
        JsonParser p,
        JsonDeserializer<?> deserializer,
        Object beanOrClass,
        String propertyName)
        throws IOException {
      Collection<Object> known = deserializer.getKnownPropertyNames();
      String hint = "";
      if (known != null && !known.isEmpty()) {
        String nearest =
            known.stream()
                .map(Object::toString)
                .min(Comparator.comparingInt(k -> distance(k, propertyName)))
                .orElseThrow();
        hint =
            distance(nearest, propertyName) <= 2
                ? "; did you mean '" + nearest + "'?"
                : "; known keys here: " + known.stream().map(Object::toString).sorted().toList();
      }
      errors.add(new ConfigError(pathAt(p), "unknown key '" + propertyName + "'" + hint));
      p.skipChildren();
      return true;
    }

    @Override
    public Object handleWeirdStringValue(
        DeserializationContext ctxt, Class<?> targetType, String value, String failureMsg) {
      String message;
      if (targetType.isEnum()) {
        message =
            "'"
                + value
                + "' is not one of "
                + java.util.Arrays.stream(targetType.getEnumConstants())
                    .map(c -> c.toString().toLowerCase(Locale.ROOT))
                    .toList();
      } else if (targetType == Ipv4Address.class
          || targetType == Ipv4Range.class
          || targetType == Ipv4Subnet.class
          || targetType == BootServer.class) {
        message = failureMsg;
      } else {
        message = "'" + value + "' is not " + describe(targetType);
      }
      errors.add(new ConfigError(pathAt(ctxt.getParser()), message));
      return emptyValueOf(targetType);
    }

    @Override
    public Object handleWeirdKey(
        DeserializationContext ctxt, Class<?> rawKeyType, String keyValue, String failureMsg) {
      errors.add(
          new ConfigError(
              pathAt(ctxt.getParser()), "key '" + keyValue + "' is not " + describe(rawKeyType)));
      return NOT_HANDLED_KEY;
    }

    @Override
    public Object handleWeirdNumberValue(
        DeserializationContext ctxt, Class<?> targetType, Number value, String failureMsg) {
      errors.add(
          new ConfigError(pathAt(ctxt.getParser()), value + " is not " + describe(targetType)));
      return emptyValueOf(targetType);
    }

    @Override
    public Object handleUnexpectedToken(
        DeserializationContext ctxt,
        JavaType targetType,
        JsonToken t,
        JsonParser p,
        String failureMsg)
        throws IOException {
      errors.add(
          new ConfigError(
              pathAt(p),
              "expected " + describe(targetType.getRawClass()) + ", found " + describe(t)));
      p.skipChildren();
      return emptyValueOf(targetType.getRawClass());
    }

    @Override
    public Object handleMissingInstantiator(
        DeserializationContext ctxt,
        Class<?> instClass,
        ValueInstantiator valueInsta,
        JsonParser p,
        String msg)
        throws IOException {
      errors.add(
          new ConfigError(
              pathAt(p),
              "expected " + describe(instClass) + ", found " + describe(p.currentToken())));
      p.skipChildren();
      return null;
    }
  }

  /** A key the map keeps under a value no rule reads: the error is already reported. */
  private static final Integer NOT_HANDLED_KEY = Integer.MIN_VALUE;

  private static Object emptyValueOf(Class<?> type) {
    if (type == int.class || type == Integer.class) {
      return type == int.class ? 0 : null;
    }
    if (type == long.class) {
      return 0L;
    }
    if (type == boolean.class) {
      return false;
    }
    return null;
  }

  private static String describe(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (type == Ipv4Address.class) {
      return "an IPv4 address";
    }
    if (type == Ipv4Range.class) {
      return "an address range like 127.16.0.10-127.16.0.250";
    }
    if (type == Ipv4Subnet.class) {
      return "a subnet like 127.16.0.0/16";
    }
    if (type == BootServer.class) {
      return "an IPv4 address or self";
    }
    if (type.isRecord()) {
      return "a mapping of keys";
    }
    return "a " + type.getSimpleName();
  }

  private static String describe(JsonToken token) {
    if (token == null) {
      return "nothing";
    }
    return switch (token) {
      case START_OBJECT -> "a mapping";
      case START_ARRAY -> "a list";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "true/false";
      case VALUE_NULL -> "null";
      default -> token.toString();
    };
  }

  private static String pathOf(JsonProcessingException e) {
    if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
      StringBuilder path = new StringBuilder();
      for (var ref : m.getPath()) {
        if (ref.getFieldName() != null) {
          path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
        } else if (ref.getIndex() >= 0) {
          path.append('[').append(ref.getIndex()).append(']');
        }
      }
      return path.toString();
    }
    return "";
  }

  /** The path of the value the parser is on, not of the container that value opens. */
  private static String pathAt(JsonParser p) {
    JsonStreamContext context = p.getParsingContext();
    if (p.hasToken(JsonToken.START_OBJECT) || p.hasToken(JsonToken.START_ARRAY)) {
      context = context.getParent();
    }
    return pathOf(context);
  }

  /** {@code dhcp.subnets[1].pools[0].range} from the parser's position. */
  static String pathOf(JsonStreamContext context) {
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.add("[" + Math.max(c.getCurrentIndex(), 0) + "]");
      } else if (c.getCurrentName() != null) {
        parts.add("." + c.getCurrentName());
      }
    }
    StringBuilder path = new StringBuilder();
    for (int i = parts.size() - 1; i >= 0; i--) {
      path.append(parts.get(i));
    }
    return path.length() > 0 && path.charAt(0) == '.' ? path.substring(1) : path.toString();
  }

  /** Levenshtein distance, for "did you mean" on a mistyped key. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost =
            Character.toLowerCase(a.charAt(i - 1)) == Character.toLowerCase(b.charAt(j - 1))
                ? 0
                : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
