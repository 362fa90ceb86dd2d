package org.provisioning.tftp.docsis;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.provisioning.common.net.Ipv4Address;

/**
 * A DOCSIS config file in text, as the {@code docsis} encoder reads it:
 *
 * <pre>
 * Main {
 *   NetworkAccess 1;
 *   MaxCPE ${maxCpe};
 *   ClassOfService { ClassID 1; MaxRateDown ${downRate}; MaxRateUp 1000000; }
 *   SnmpMibObject .1.3.6.1.2.1.69.1.3.8.0 Integer 2;
 *   GenericTLV TlvCode 200 TlvLength 2 TlvValue 0x0102;
 * }
 * </pre>
 *
 * <p>Comments are {@code /* ... *}{@code /}. A value may hold {@code ${name}}, filled in per modem
 * when the template is rendered; its type is checked then. Parsed once, rendered per modem.
 */
public final class DocsisTemplate {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9_]*)}");
  private static final Pattern MAC_SEPARATORS = Pattern.compile("[:.\\-]");
  private static final Pattern MAC_DIGITS = Pattern.compile("[0-9A-Fa-f]{12}");
  private static final Pattern HEX = Pattern.compile("0[xX]([0-9A-Fa-f]{2})+");
  private static final Pattern NUMERIC_OID = Pattern.compile("[0-9]+(\\.[0-9]+)+");

  private final List<Statement> statements;
  private final Set<String> variables;

  /**
   * Per statement, its TLV when it holds no variable (encoded once, at parse time, as most of a
   * template is the same for every modem), or null when it must be encoded per modem.
   */
  private final List<DocsisTlv> constant;

  private sealed interface Statement permits Scalar, Aggregate, Snmp, Generic {}

  private record Token(String text, boolean quoted, int line) {}

  private record Scalar(DocsisSetting setting, Token value) implements Statement {}

  private record Aggregate(DocsisSetting setting, int line, List<Statement> children)
      implements Statement {}

  private record Snmp(Token oid, Token type, Token value) implements Statement {}

  private record Generic(Token code, Token kind, Token length, Token value) implements Statement {}

  private DocsisTemplate(List<Statement> statements, Set<String> variables)
      throws DocsisTemplateException {
    this.statements = statements;
    this.variables = variables;
    List<DocsisTlv> encoded = new ArrayList<>();
    for (Statement statement : statements) {
      encoded.add(hasVariables(statement) ? null : tlv(statement, name -> null));
    }
    this.constant = java.util.Collections.unmodifiableList(encoded);
  }

  private static boolean hasVariables(Statement statement) {
    if (statement instanceof Scalar scalar) {
      return scalar.value().text().indexOf('$') >= 0;
    }
    if (statement instanceof Aggregate aggregate) {
      return aggregate.children().stream().anyMatch(DocsisTemplate::hasVariables);
    }
    if (statement instanceof Snmp snmp) {
      return snmp.oid().text().indexOf('$') >= 0 || snmp.value().text().indexOf('$') >= 0;
    }
    Generic generic = (Generic) statement;
    return generic.code().text().indexOf('$') >= 0
        || generic.value().text().indexOf('$') >= 0
        || (generic.length() != null && generic.length().text().indexOf('$') >= 0);
  }

  private static DocsisTlv tlv(Statement statement, Function<String, String> values)
      throws DocsisTemplateException {
    ByteArrayOutputStream tlv = new ByteArrayOutputStream();
    int type = encode(statement, values, tlv);
    byte[] whole = tlv.toByteArray();
    return new DocsisTlv(type, java.util.Arrays.copyOfRange(whole, 2, whole.length));
  }

  /** The names of the {@code ${variables}} the template uses. */
  public Set<String> variables() {
    return variables;
  }

  public static DocsisTemplate parse(String text) throws DocsisTemplateException {
    Parser parser = new Parser(tokenize(text));
    Token main = parser.next();
    if (main == null || !main.text().equalsIgnoreCase("Main") || main.quoted()) {
      throw new DocsisTemplateException(
          main == null ? 1 : main.line(), "a template starts with 'Main {'");
    }
    parser.expect("{");
    List<Statement> statements = parser.block(DocsisSettings.MAIN);
    Token extra = parser.next();
    if (extra != null) {
      throw new DocsisTemplateException(extra.line(), "'" + extra.text() + "' after Main's '}'");
    }
    Set<String> used = new LinkedHashSet<>();
    for (Token token : parser.tokens) {
      Matcher m = VARIABLE.matcher(token.text());
      while (m.find()) {
        used.add(m.group(1));
      }
    }
    return new DocsisTemplate(statements, Set.copyOf(used));
  }

  /**
   * The top-level TLVs for one modem.
   *
   * @param values a variable's value, or null when it has none
   */
  public List<DocsisTlv> render(Function<String, String> values) throws DocsisTemplateException {
    List<DocsisTlv> tlvs = new ArrayList<>(statements.size());
    for (int i = 0; i < statements.size(); i++) {
      DocsisTlv fixed = constant.get(i);
      tlvs.add(fixed != null ? fixed : tlv(statements.get(i), values));
    }
    return tlvs;
  }

  /** Writes the statement's whole TLV; returns its type. */
  private static int encode(
      Statement statement, Function<String, String> values, ByteArrayOutputStream out)
      throws DocsisTemplateException {
    if (statement instanceof Scalar scalar) {
      String value = substitute(scalar.value(), values);
      return write(
          out,
          scalar.setting().code(),
          Values.encode(scalar.setting(), value, scalar.value().line()),
          scalar.value().line());
    }
    if (statement instanceof Aggregate aggregate) {
      ByteArrayOutputStream inner = new ByteArrayOutputStream();
      for (Statement child : aggregate.children()) {
        encode(child, values, inner);
      }
      return write(out, aggregate.setting().code(), inner.toByteArray(), aggregate.line());
    }
    if (statement instanceof Snmp snmp) {
      byte[] varbind =
          SnmpVarbind.varbind(
              substitute(snmp.oid(), values),
              snmp.type().text(),
              substitute(snmp.value(), values),
              snmp.oid().line());
      return write(out, DocsisSettings.SNMP_MIB_OBJECT, varbind, snmp.oid().line());
    }
    Generic generic = (Generic) statement;
    int line = generic.code().line();
    int code = (int) Values.number(substitute(generic.code(), values), 1, 254, line);
    String value = substitute(generic.value(), values);
    byte[] bytes;
    switch (generic.kind().text()) {
      case "TlvValue" -> {
        bytes = Values.hex(value, 0, line);
        long length = Values.number(substitute(generic.length(), values), 0, 255, line);
        if (length != bytes.length) {
          throw new DocsisTemplateException(
              line, "TlvLength " + length + " but TlvValue has " + bytes.length + " octets");
        }
      }
      case "TlvString" -> bytes = value.getBytes(StandardCharsets.UTF_8);
      default -> bytes = (value + "\0").getBytes(StandardCharsets.UTF_8);
    }
    return write(out, code, bytes, line);
  }

  private static int write(ByteArrayOutputStream out, int type, byte[] value, int line)
      throws DocsisTemplateException {
    if (value.length > 255) {
      throw new DocsisTemplateException(
          line, "TLV " + type + " would hold " + value.length + " octets; the most is 255");
    }
    out.write(type);
    out.write(value.length);
    out.writeBytes(value);
    return type;
  }

  private static String substitute(Token token, Function<String, String> values)
      throws DocsisTemplateException {
    String text = token.text();
    if (text.indexOf('$') < 0) {
      return text;
    }
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.apply(m.group(1));
      if (value == null) {
        throw new DocsisTemplateException(
            token.line(), "${" + m.group(1) + "} has no value for this modem");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static List<Token> tokenize(String text) throws DocsisTemplateException {
    List<Token> tokens = new ArrayList<>();
    int line = 1;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        i++;
      } else if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
        int end = text.indexOf("*/", i + 2);
        if (end < 0) {
          throw new DocsisTemplateException(line, "comment without its '*/'");
        }
        line += (int) text.substring(i, end).chars().filter(ch -> ch == '\n').count();
        i = end + 2;
      } else if (c == '{' || c == '}' || c == ';') {
        tokens.add(new Token(String.valueOf(c), false, line));
        i++;
      } else if (c == '"') {
        StringBuilder value = new StringBuilder();
        int j = i + 1;
        while (true) {
          if (j >= text.length() || text.charAt(j) == '\n') {
            throw new DocsisTemplateException(line, "string without its closing '\"'");
          }
          char d = text.charAt(j);
          if (d == '"') {
            break;
          }
          if (d == '\\' && j + 1 < text.length()) {
            d = text.charAt(++j);
          }
          value.append(d);
          j++;
        }
        tokens.add(new Token(value.toString(), true, line));
        i = j + 1;
      } else {
        int j = i;
        while (j < text.length()
            && !Character.isWhitespace(text.charAt(j))
            && "{};\"".indexOf(text.charAt(j)) < 0) {
          if (text.startsWith("${", j) && text.indexOf('}', j) > 0) {
            j = text.indexOf('}', j);
          }
          j++;
        }
        tokens.add(new Token(text.substring(i, j), false, line));
        i = j;
      }
    }
    return tokens;
  }

  private static final class Parser {
    final List<Token> tokens;
    int at;

    Parser(List<Token> tokens) {
      this.tokens = tokens;
    }

    Token next() {
      return at < tokens.size() ? tokens.get(at++) : null;
    }

    Token value(String what, int line) throws DocsisTemplateException {
      Token token = next();
      if (token == null || (!token.quoted() && "{};".contains(token.text()))) {
        throw new DocsisTemplateException(token == null ? line : token.line(), "expected " + what);
      }
      return token;
    }

    void expect(String text) throws DocsisTemplateException {
      Token token = next();
      if (token == null || token.quoted() || !token.text().equals(text)) {
        throw new DocsisTemplateException(
            token == null ? lastLine() : token.line(),
            "expected '"
                + text
                + "'"
                + (token == null ? " before the end" : ", found '" + token.text() + "'"));
      }
    }

    int lastLine() {
      return tokens.isEmpty() ? 1 : tokens.get(tokens.size() - 1).line();
    }

    /** Statements up to and including the closing brace. */
    List<Statement> block(DocsisSetting parent) throws DocsisTemplateException {
      List<Statement> statements = new ArrayList<>();
      while (true) {
        Token name = next();
        if (name == null) {
          throw new DocsisTemplateException(lastLine(), "'" + parent.name() + " {' is not closed");
        }
        if (name.text().equals("}") && !name.quoted()) {
          return statements;
        }
        statements.add(statement(parent, name));
      }
    }

    Statement statement(DocsisSetting parent, Token name) throws DocsisTemplateException {
      int line = name.line();
      if (name.text().equalsIgnoreCase("SnmpMibObject") && parent == DocsisSettings.MAIN) {
        Statement snmp =
            new Snmp(value("an OID", line), value("an SNMP type", line), value("a value", line));
        expect(";");
        return snmp;
      }
      if (name.text().equalsIgnoreCase("GenericTLV")) {
        keyword("TlvCode", line);
        Token code = value("a TLV type", line);
        Token kind = value("TlvLength, TlvString or TlvStringZero", line);
        Token length = null;
        if (kind.text().equals("TlvLength")) {
          length = value("a length", line);
          keyword("TlvValue", line);
          kind = new Token("TlvValue", false, line);
        } else if (!kind.text().equals("TlvString") && !kind.text().equals("TlvStringZero")) {
          throw new DocsisTemplateException(
              line, "expected TlvLength, TlvString or TlvStringZero, found '" + kind.text() + "'");
        }
        Token value = value("a value", line);
        expect(";");
        return new Generic(code, kind, length, value);
      }
      DocsisSetting setting = parent.child(name.text());
      if (setting == null || name.quoted()) {
        throw new DocsisTemplateException(
            line,
            "'"
                + name.text()
                + "' is not a setting inside "
                + parent.name()
                + "; write it as GenericTLV TlvCode ... if it is one this server does not name");
      }
      if (setting.type() == DocsisValueType.AGGREGATE) {
        expect("{");
        return new Aggregate(setting, line, block(setting));
      }
      Token value = value("a value for " + setting.name(), line);
      expect(";");
      if (value.text().indexOf('$') < 0) {
        Values.encode(setting, value.text(), line);
      }
      return new Scalar(setting, value);
    }

    void keyword(String keyword, int line) throws DocsisTemplateException {
      Token token = next();
      if (token == null || !token.text().equals(keyword)) {
        throw new DocsisTemplateException(line, "expected " + keyword);
      }
    }
  }

  /** Typed values: text in, octets out, with the range each type allows. */
  static final class Values {
    private Values() {}

    static byte[] encode(DocsisSetting setting, String text, int line)
        throws DocsisTemplateException {
      return switch (setting.type()) {
        case UINT8 -> bigEndian(number(text, 0, 0xFF, line), 1);
        case UINT16 -> bigEndian(number(text, 0, 0xFFFF, line), 2);
        case UINT32 -> bigEndian(number(text, 0, 0xFFFF_FFFFL, line), 4);
        case IP -> ip(text, line);
        case ETHER -> mac(text, line);
        case STRING -> text.getBytes(StandardCharsets.UTF_8);
        case STRZERO -> (text + "\0").getBytes(StandardCharsets.UTF_8);
        case HEX -> hex(text, setting.length(), line);
        case AGGREGATE -> throw new DocsisTemplateException(line, setting.name() + " needs '{'");
      };
    }

    static long number(String text, long min, long max, int line) throws DocsisTemplateException {
      long value;
      try {
        value =
            text.startsWith("0x") || text.startsWith("0X")
                ? Long.parseLong(text.substring(2), 16)
                : Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new DocsisTemplateException(line, "'" + text + "' is not a number");
      }
      if (value < min || value > max) {
        throw new DocsisTemplateException(line, value + " is outside " + min + "-" + max);
      }
      return value;
    }

    static byte[] bigEndian(long value, int octets) {
      byte[] out = new byte[octets];
      for (int i = octets - 1; i >= 0; i--) {
        out[i] = (byte) value;
        value >>>= 8;
      }
      return out;
    }

    static byte[] ip(String text, int line) throws DocsisTemplateException {
      try {
        return Ipv4Address.parse(text).toBytes();
      } catch (IllegalArgumentException e) {
        throw new DocsisTemplateException(line, e.getMessage());
      }
    }

    static byte[] mac(String text, int line) throws DocsisTemplateException {
      String digits = MAC_SEPARATORS.matcher(text).replaceAll("");
      if (!MAC_DIGITS.matcher(digits).matches()) {
        throw new DocsisTemplateException(
            line, "'" + text + "' is not a MAC like 00:11:22:33:44:55");
      }
      return HexFormat.of().parseHex(digits);
    }

    static byte[] hex(String text, int length, int line) throws DocsisTemplateException {
      if (!HEX.matcher(text).matches()) {
        throw new DocsisTemplateException(line, "'" + text + "' is not hex like 0x0a0b0c");
      }
      byte[] bytes = HexFormat.of().parseHex(text.substring(2));
      if (length > 0 && bytes.length != length) {
        throw new DocsisTemplateException(
            line, text + " has " + bytes.length + " octets; " + length + " are needed");
      }
      return bytes;
    }
  }

  /** The BER of TLV 11: an SNMP VarBind, SEQUENCE { OBJECT IDENTIFIER, value }. */
  static final class SnmpVarbind {
    private SnmpVarbind() {}

    static byte[] varbind(String oid, String type, String value, int line)
        throws DocsisTemplateException {
      byte[] name = ber(0x06, oid(oid, line));
      byte[] encoded =
          switch (type) {
            case "Integer" ->
                ber(
                    0x02,
                    integer(
                        BigInteger.valueOf(
                            Values.number(value, Integer.MIN_VALUE, Integer.MAX_VALUE, line))));
            case "Unsigned32", "Gauge", "Gauge32" -> ber(0x42, unsigned(value, line));
            case "Counter32" -> ber(0x41, unsigned(value, line));
            case "TimeTicks" -> ber(0x43, unsigned(value, line));
            case "IPAddress" -> ber(0x40, Values.ip(value, line));
            case "ObjectID" -> ber(0x06, oid(value, line));
            case "String" -> ber(0x04, value.getBytes(StandardCharsets.UTF_8));
            case "HexString" -> ber(0x04, Values.hex(value, 0, line));
            default ->
                throw new DocsisTemplateException(
                    line,
                    "SNMP type '"
                        + type
                        + "' is not one of Integer, Unsigned32, Gauge32, Counter32,"
                        + " TimeTicks, IPAddress, ObjectID, String, HexString");
          };
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes(name);
      body.writeBytes(encoded);
      return ber(0x30, body.toByteArray());
    }

    private static byte[] unsigned(String value, int line) throws DocsisTemplateException {
      return integer(BigInteger.valueOf(Values.number(value, 0, 0xFFFF_FFFFL, line)));
    }

    /** Two's complement, fewest octets (X.690 8.3). */
    private static byte[] integer(BigInteger value) {
      return value.toByteArray();
    }

    static byte[] oid(String text, int line) throws DocsisTemplateException {
      String dotted = text.startsWith(".") ? text.substring(1) : text;
      if (!NUMERIC_OID.matcher(dotted).matches()) {
        throw new DocsisTemplateException(
            line, "'" + text + "' is not a numeric OID like .1.3.6.1.2.1.1.4.0 (names need MIBs)");
      }
      String[] arcs = dotted.split("\\.");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      long first = arc(arcs[0], text, line);
      long second = arc(arcs[1], text, line);
      if (first > 2 || (first < 2 && second > 39) || second > Long.MAX_VALUE - 80) {
        throw new DocsisTemplateException(line, "'" + text + "' does not start with a valid arc");
      }
      base128(out, first * 40 + second);
      for (int i = 2; i < arcs.length; i++) {
        base128(out, arc(arcs[i], text, line));
      }
      return out.toByteArray();
    }

    /** One arc of an OID; one beyond a 63-bit number is refused with its line, not thrown. */
    private static long arc(String digits, String oid, int line) throws DocsisTemplateException {
      try {
        return Long.parseLong(digits);
      } catch (NumberFormatException e) {
        throw new DocsisTemplateException(
            line, "'" + oid + "' has an arc too large (" + digits + "): at most 2^63 - 1");
      }
    }

    private static void base128(ByteArrayOutputStream out, long value) {
      int groups = 1;
      for (long v = value >>> 7; v != 0; v >>>= 7) {
        groups++;
      }
      for (int g = groups - 1; g >= 0; g--) {
        int septet = (int) ((value >>> (7 * g)) & 0x7F);
        out.write(g == 0 ? septet : septet | 0x80);
      }
    }

    static byte[] ber(int tag, byte[] content) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 4);
      out.write(tag);
      if (content.length < 0x80) {
        out.write(content.length);
      } else if (content.length < 0x100) {
        out.write(0x81);
        out.write(content.length);
      } else {
        out.write(0x82);
        out.write(content.length >>> 8);
        out.write(content.length);
      }
      out.writeBytes(content);
      return out.toByteArray();
    }
  }
}
