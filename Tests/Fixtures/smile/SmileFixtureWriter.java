import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.dataformat.smile.SmileGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes SMILE test documents with Jackson's own encoder, and the JSON Jackson's own parser reads back from them, for
 * SmileDecoderTests.
 *
 * Usage: SmileFixtureWriter OUT_DIR [SMILE_FILE...]
 *   For every case and encoder configuration writes OUT_DIR/CASE-CONFIG.smile and OUT_DIR/CASE-CONFIG.json, and lists
 *   the CASE-CONFIG names in OUT_DIR/manifest.txt. For every SMILE_FILE given writes SMILE_FILE.json.
 *
 * The input documents are JSON; strings starting with "#float:", "#double:", "#bigint:", "#bigdec:" or "#binary:"
 * (base64) are written as that type, since a JSON parser alone never yields them.
 *
 * The expected JSON is what Jackson reads, except that floats and doubles are written as the strings "#float:TEXT" and
 * "#double:TEXT" (NaN and infinities as "NaN", "Infinity", "-Infinity"): Java's Float.toString is not always the
 * shortest form, so the test compares them as Float or Double values instead of as text.
 */
public final class SmileFixtureWriter {
    private static final JsonFactory JSON = new JsonFactory();

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        Map<String, String> cases = cases();
        List<String> manifest = new ArrayList<>();
        for (Map.Entry<String, String> entry : cases.entrySet()) {
            for (String config : new String[] {"shared", "plain", "default"}) {
                String name = entry.getKey() + "-" + config;
                byte[] smile = encode(entry.getValue(), factory(config));
                Files.write(out.resolve(name + ".smile"), smile);
                Files.write(out.resolve(name + ".json"), decode(smile));
                manifest.add(name);
            }
        }
        Files.write(out.resolve("manifest.txt"), manifest);
        for (int index = 1; index < args.length; index++) {
            Path smile = Path.of(args[index]);
            Files.write(Path.of(args[index] + ".json"), decode(Files.readAllBytes(smile)));
        }
    }

    /** "shared" is what Elasticsearch writes (names, values, raw binary) plus an end marker; "plain" shares nothing. */
    private static SmileFactory factory(String config) {
        SmileFactory factory = new SmileFactory();
        boolean shared = config.equals("shared");
        boolean plain = config.equals("plain");
        if (!config.equals("default")) {
            factory.configure(SmileGenerator.Feature.CHECK_SHARED_NAMES, shared);
            factory.configure(SmileGenerator.Feature.CHECK_SHARED_STRING_VALUES, shared);
            factory.configure(SmileGenerator.Feature.ENCODE_BINARY_AS_7BIT, plain);
            factory.configure(SmileGenerator.Feature.WRITE_END_MARKER, shared);
        }
        return factory;
    }

    private static byte[] encode(String json, SmileFactory factory) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonParser parser = JSON.createParser(json); JsonGenerator generator = factory.createGenerator(bytes)) {
            while (parser.nextToken() != null) {
                if (parser.currentToken() == JsonToken.VALUE_STRING && parser.getText().startsWith("#")) {
                    writeTyped(parser.getText(), generator);
                } else {
                    generator.copyCurrentEvent(parser);
                }
            }
        }
        return bytes.toByteArray();
    }

    private static void writeTyped(String text, JsonGenerator generator) throws IOException {
        int colon = text.indexOf(':');
        String value = text.substring(colon + 1);
        switch (text.substring(0, colon)) {
            case "#float" -> generator.writeNumber(Float.parseFloat(value));
            case "#double" -> generator.writeNumber(Double.parseDouble(value));
            case "#bigint" -> generator.writeNumber(new BigInteger(value));
            case "#bigdec" -> generator.writeNumber(new BigDecimal(value));
            case "#binary" -> generator.writeBinary(Base64.getDecoder().decode(value));
            default -> generator.writeString(text);
        }
    }

    private static byte[] decode(byte[] smile) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonParser parser = new SmileFactory().createParser(smile);
             JsonGenerator generator = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
            while (parser.nextToken() != null) {
                switch (parser.currentToken()) {
                    case VALUE_NUMBER_FLOAT -> {
                        switch (parser.getNumberType()) {
                            case FLOAT -> writeFloating(generator, parser.getFloatValue(), "#float:" + parser.getFloatValue());
                            case DOUBLE -> writeFloating(generator, parser.getDoubleValue(), "#double:" + parser.getDoubleValue());
                            default -> generator.writeNumber(parser.getDecimalValue());
                        }
                    }
                    case VALUE_EMBEDDED_OBJECT -> generator.writeBinary(parser.getBinaryValue());
                    default -> generator.copyCurrentEvent(parser);
                }
            }
        }
        return bytes.toByteArray();
    }

    private static void writeFloating(JsonGenerator generator, double value, String tagged) throws IOException {
        if (Double.isNaN(value)) {
            generator.writeString("NaN");
        } else if (Double.isInfinite(value)) {
            generator.writeString(value > 0 ? "Infinity" : "-Infinity");
        } else {
            generator.writeString(tagged);
        }
    }

    private static Map<String, String> cases() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("literals", """
            {"null":null,"true":true,"false":false,"empty":"","object":{},"array":[],"nested":[[],{},[{}],{"":""}],
             "":"empty key","small":[0,1,-1,15,-16,16,-17,100,-100]}""");
        cases.put("root-string", "\"just a string\"");
        cases.put("root-number", "-123456789012");
        cases.put("root-empty-object", "{}");
        cases.put("root-empty-array", "[]");
        cases.put("root-null", "null");
        cases.put("numbers", """
            {"int":[2147483647,-2147483648,65535,-65536,8191,-8192,4096,123456],
             "long":[9223372036854775807,-9223372036854775808,2147483648,-2147483649,1099511627776],
             "bigint":[18446744073709551616,-18446744073709551617,"#bigint:0","#bigint:-1","#bigint:127","#bigint:128",
               "#bigint:-128","#bigint:-129","#bigint:255","#bigint:256","#bigint:-256","#bigint:-257",
               "#bigint:123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890",
               "#bigint:-98765432109876543210987654321098765432109876543210"],
             "bigdec":["#bigdec:0","#bigdec:0.00","#bigdec:0E+3","#bigdec:1.5","#bigdec:-123.456","#bigdec:0.001234",
               "#bigdec:0.0000001234","#bigdec:1.234E-7","#bigdec:1E+10","#bigdec:-1.5E+10","#bigdec:12345678901234567890.123456789",
               "#bigdec:1E-400","#bigdec:-9.99E+999","#bigdec:100","#bigdec:1E+2"],
             "double":[0.1,-0.0,0.0,1.0,1e300,5e-324,1.7976931348623157E308,2.2250738585072014E-308,123456.789,-2.5e-10,
               3.141592653589793,1e22,1e23,"#double:NaN","#double:Infinity","#double:-Infinity"],
             "float":["#float:1.1","#float:0.1","#float:3.4028235E38","#float:1.4E-45","#float:-0.0","#float:16777216",
               "#float:1.17549435E-38","#float:123.456","#float:-7.5","#float:1.0E10","#float:NaN","#float:Infinity",
               "#float:-Infinity"]}""");
        cases.put("binary", binary());
        cases.put("strings", strings());
        cases.put("names", names());
        cases.put("deep", deep(900));
        cases.put("many-keys", manyKeys());
        cases.put("records", records());
        return cases;
    }

    private static String binary() {
        StringBuilder json = new StringBuilder("{\"binary\":[");
        int[] lengths = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15, 20, 64, 100, 1000, 4099};
        for (int index = 0; index < lengths.length; index++) {
            byte[] data = new byte[lengths[index]];
            for (int position = 0; position < data.length; position++) {
                data[position] = (byte) (position * 37 + lengths[index] * 11 + (position >> 3));
            }
            json.append(index == 0 ? "" : ",").append(quote("#binary:" + Base64.getEncoder().encodeToString(data)));
        }
        byte[] all = new byte[256];
        for (int position = 0; position < 256; position++) {
            all[position] = (byte) position;
        }
        json.append("],\"all bytes\":").append(quote("#binary:" + Base64.getEncoder().encodeToString(all))).append("}");
        return json.toString();
    }

    /** Every length boundary of tiny, short and long strings, ASCII and not, and every escape. */
    private static String strings() {
        List<String> values = new ArrayList<>();
        for (int length : new int[] {1, 2, 31, 32, 33, 34, 63, 64, 65, 66, 100, 1000}) {
            values.add("a".repeat(length));
            values.add("é".repeat((length + 1) / 2));
            values.add("x" + "é".repeat(length / 2));
            values.add("中".repeat((length + 2) / 3));
            values.add("😀".repeat((length + 3) / 4));
        }
        values.add("\"quoted\" back\\slash /slash");
        values.add("controls \u0000\u0001\u0002\u0007\b\t\n\u000b\f\r\u000e\u001b\u001f\u007f end");
        values.add("line separators \u2028 \u2029 and BOM \ufeff and max \udbff\udfff");
        values.add("mixed ascii then ünïcödé then 日本語 then 🎉 emoji");
        StringBuilder json = new StringBuilder("{\"values\":[");
        for (int index = 0; index < values.size(); index++) {
            json.append(index == 0 ? "" : ",").append(quote(values.get(index)));
        }
        // Again, so that shared values are referenced (and long ones are not).
        json.append("],\"again\":[");
        for (int index = 0; index < values.size(); index++) {
            json.append(index == 0 ? "" : ",").append(quote(values.get(index)));
        }
        return json.append("]}").toString();
    }

    /** Names of every length class: short ASCII up to 64 bytes, short Unicode up to 56, long ones beyond. */
    private static String names() {
        List<String> names = new ArrayList<>();
        for (int length : new int[] {1, 2, 32, 33, 55, 56, 57, 63, 64, 65, 66, 100, 300}) {
            names.add("k".repeat(length));
            names.add("é".repeat((length + 1) / 2));
            names.add("n" + "é".repeat(length / 2));
            names.add("中".repeat((length + 2) / 3));
        }
        names.add("\"quoted\\name\n");
        names.add("😀 emoji");
        StringBuilder json = new StringBuilder("{\"first\":{");
        for (int index = 0; index < names.size(); index++) {
            json.append(index == 0 ? "" : ",").append(quote(names.get(index))).append(":").append(index);
        }
        json.append("},\"second\":{");
        for (int index = names.size() - 1; index >= 0; index--) {
            json.append(index == names.size() - 1 ? "" : ",").append(quote(names.get(index))).append(":\"v\"");
        }
        return json.append("}}").toString();
    }

    private static String deep(int depth) {
        StringBuilder json = new StringBuilder();
        for (int level = 0; level < depth; level++) {
            json.append(level % 2 == 0 ? "[" : "{\"d\":");
        }
        json.append("\"bottom\"");
        for (int level = depth - 1; level >= 0; level--) {
            json.append(level % 2 == 0 ? "]" : "}");
        }
        return json.toString();
    }

    /** More than 1024 distinct short names and values, so both shared tables fill up and start over, several times. */
    private static String manyKeys() {
        StringBuilder json = new StringBuilder("{\"keys\":{");
        for (int index = 0; index < 2600; index++) {
            json.append(index == 0 ? "" : ",").append(String.format("\"key%04d\":\"value%04d\"", index, index));
        }
        json.append("},\"again\":[");
        for (int index = 0; index < 2600; index += 7) {
            json.append(index == 0 ? "" : ",")
                .append(String.format("{\"key%04d\":\"value%04d\",\"key%04d\":\"value%04d\"}", index, index, (index * 13) % 2600, (index * 17) % 2600));
        }
        return json.append("]}").toString();
    }

    /** Records with a few repeated and many distinct values, like `_source` documents or shard file lists. */
    private static String records() {
        StringBuilder json = new StringBuilder("[");
        for (int index = 0; index < 3000; index++) {
            json.append(index == 0 ? "" : ",").append(String.format(
                "{\"id\":%d,\"name\":\"name%d\",\"group\":\"g%d\",\"k%d\":\"%s\",\"nested\":{\"x\":%d.5,\"tags\":[\"t%d\",\"t%d\"]}}",
                index, index % 1500, index % 10, index % 2000, "é".repeat(index % 40), index, index % 50, index % 1100));
        }
        return json.append("]").toString();
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char character : text.toCharArray()) {
            switch (character) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (character < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) character));
                    } else {
                        quoted.append(character);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
