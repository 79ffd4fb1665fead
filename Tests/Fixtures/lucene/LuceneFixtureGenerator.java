// Writes Lucene 8.7 test indexes the way Elasticsearch stores documents, plus the live documents as Lucene itself reads
// them, for the Swift Lucene reader's tests and benchmark.
//
// Usage: java -cp <lucene jars>:<classes> LuceneFixtureGenerator MODE OUTPUT_FOLDER [ARGS]
//   modes writing OUTPUT_FOLDER/index and OUTPUT_FOLDER/expected.ndjson:
//     soft-deletes       BEST_SPEED (LZ4 with preset dictionary), compound files, ES-style soft updates and tombstones
//     hard-deletes       BEST_COMPRESSION (DEFLATE with preset dictionary), non-compound, updateDocument/deleteDocuments
//     many-segments      NoMergePolicy, a flush every 40 documents, compound and non-compound segments, both delete kinds
//     large-speed        documents of 1-3 MB (sliced chunks), BEST_SPEED
//     large-compression  the same with BEST_COMPRESSION
//     legacy-fast        Lucene 8.6-style stored fields (Lucene50StoredFieldsFastData: LZ4 without dictionary), codec Lucene86
//     legacy-high        Lucene50StoredFieldsHighData (plain DEFLATE), codec Lucene86
//     big                100,000+ documents of about 1 KB, BEST_SPEED, some soft updates
//   bench OUTPUT_FOLDER N [speed|compression]   an index of N documents of about 1 KB (no expectations)
//   read INDEX_FOLDER                           reads every live document's stored fields two ways and prints one JSON line
//
// Each expected.ndjson line: {"seg":"_0","doc":3,"id":"...","routing":null|"...","source":"...","stored":{...}}
// in the order DirectoryReader visits them (leaf order, then doc id).

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.StoredFieldsFormat;
import org.apache.lucene.codecs.StoredFieldsReader;
import org.apache.lucene.codecs.StoredFieldsWriter;
import org.apache.lucene.codecs.compressing.CompressingStoredFieldsFormat;
import org.apache.lucene.codecs.compressing.CompressionMode;
import org.apache.lucene.codecs.lucene87.Lucene87Codec;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.SortedNumericDocValuesField;
import org.apache.lucene.document.SortedSetDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.SegmentInfo;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.index.SoftDeletesDirectoryReaderWrapper;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

public final class LuceneFixtureGenerator {
    static final String SOFT_DELETES = "__soft_deletes";

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: LuceneFixtureGenerator MODE OUTPUT_FOLDER [ARGS]");
            System.exit(2);
        }
        String mode = args[0];
        Path out = Paths.get(args[1]);
        switch (mode) {
            case "read":
                read(out);
                return;
            case "bench": {
                int count = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
                boolean compression = args.length > 3 && args[3].equals("compression");
                bench(out, count, compression);
                return;
            }
            default:
                break;
        }
        Files.createDirectories(out);
        Path indexPath = out.resolve("index");
        try (Directory dir = FSDirectory.open(indexPath)) {
            switch (mode) {
                case "soft-deletes": softDeletes(dir); break;
                case "hard-deletes": hardDeletes(dir); break;
                case "many-segments": manySegments(dir); break;
                case "large-speed": large(dir, false); break;
                case "large-compression": large(dir, true); break;
                case "legacy-fast": legacy(dir, false); break;
                case "legacy-high": legacy(dir, true); break;
                case "big": big(dir); break;
                default:
                    System.err.println("unknown mode " + mode);
                    System.exit(2);
            }
            writeExpected(dir, out.resolve("expected.ndjson"));
        }
    }

    // MARK: Elasticsearch's document shape

    /** Elasticsearch's Uid.encodeId: numeric ids as packed digits, base64url ids as their bytes, others as UTF-8. */
    static BytesRef encodeId(String id) {
        if (id.isEmpty()) throw new IllegalArgumentException("empty id");
        if (isPositiveNumeric(id)) {
            byte[] b = new byte[1 + (id.length() + 1) / 2];
            b[0] = (byte) 0xFE;
            for (int i = 0; i < id.length(); i += 2) {
                int hi = id.charAt(i) - '0';
                int lo = i + 1 == id.length() ? 0x0F : id.charAt(i + 1) - '0';
                b[1 + i / 2] = (byte) ((hi << 4) | lo);
            }
            return new BytesRef(b);
        }
        if (isBase64UrlWithoutPadding(id)) {
            byte[] b = Base64.getUrlDecoder().decode(id);
            if ((b[0] & 0xFF) >= 0xFD) {
                byte[] escaped = new byte[b.length + 1];
                escaped[0] = (byte) 0xFD;
                System.arraycopy(b, 0, escaped, 1, b.length);
                b = escaped;
            }
            return new BytesRef(b);
        }
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[utf8.length + 1];
        b[0] = (byte) 0xFF;
        System.arraycopy(utf8, 0, b, 1, utf8.length);
        return new BytesRef(b);
    }

    static boolean isPositiveNumeric(String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }

    static boolean isBase64UrlWithoutPadding(String id) {
        int n = id.length();
        switch (n & 3) {
            case 1: return false;
            case 2: if ("AQgw".indexOf(id.charAt(n - 1)) < 0) return false; break;
            case 3: if ("AEIMQUYcgkosw048".indexOf(id.charAt(n - 1)) < 0) return false; break;
            default: break;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
            if (!ok) return false;
        }
        return true;
    }

    /** Elasticsearch's Uid.decodeId, to write what Lucene stored back as text. */
    static String decodeId(byte[] b, int off, int len) {
        int magic = b[off] & 0xFF;
        if (magic == 0xFE) {
            StringBuilder s = new StringBuilder();
            for (int i = 1; i < len; i++) {
                int v = b[off + i] & 0xFF;
                s.append((char) ('0' + (v >>> 4)));
                if (i == len - 1 && (v & 0x0F) == 0x0F) break;
                s.append((char) ('0' + (v & 0x0F)));
            }
            return s.toString();
        }
        if (magic == 0xFF) return new String(b, off + 1, len - 1, StandardCharsets.UTF_8);
        int start = magic == 0xFD ? off + 1 : off;
        byte[] raw = new byte[off + len - start];
        System.arraycopy(b, start, raw, 0, raw.length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    static final FieldType ID_TYPE = new FieldType();
    static {
        ID_TYPE.setTokenized(false);
        ID_TYPE.setOmitNorms(true);
        ID_TYPE.setIndexOptions(IndexOptions.DOCS);
        ID_TYPE.setStored(true);
        ID_TYPE.freeze();
    }

    /** An id of one of Elasticsearch's three encodings, picked by number. */
    static String idFor(int n, Random random) {
        switch (n % 6) {
            case 0: return Integer.toString(n * 7 + 3);
            case 1: { // auto-generated style: 15 random bytes, 20 base64url characters
                byte[] b = new byte[15];
                random.nextBytes(b);
                return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            }
            case 2: return "doc-" + n + "-\u00e9t\u00e9";
            case 3: return "0" + n; // numeric with a leading zero
            case 4: { // base64url whose first byte needs Elasticsearch's 0xFD escape
                byte[] b = new byte[4 + n % 5];
                random.nextBytes(b);
                b[0] = (byte) (0xFD + n % 3);
                return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            }
            default: return "user/" + n + " \uD83D\uDE00";
        }
    }

    static final String WORDS = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore "
        + "et dolore magna aliqua caf\u00e9 na\u00efve \u65e5\u672c \u00fcber quick brown fox jumps over the lazy dog";
    static final String[] WORD_LIST = WORDS.split(" ");

    static String text(Random random, int approxBytes) {
        StringBuilder s = new StringBuilder(approxBytes + 16);
        while (s.length() < approxBytes) {
            s.append(WORD_LIST[random.nextInt(WORD_LIST.length)]);
            s.append(random.nextInt(10) == 0 ? ", " : " ");
            if (random.nextInt(50) == 0) s.append(random.nextLong());
        }
        return s.toString();
    }

    static String jsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static String source(String id, int version, Random random, int approxBytes) {
        return "{\"id\":" + jsonString(id) + ",\"version\":" + version + ",\"title\":" + jsonString(text(random, 40))
            + ",\"body\":" + jsonString(text(random, approxBytes)) + ",\"tags\":[\"a\",\"b\\n\\\"c\\\"\"]}";
    }

    /** A document with Elasticsearch's stored fields and the doc values fields an ES 7 mapping adds. */
    static Document esDocument(String id, String routing, String source, long seqNo, Random random, boolean extras) {
        Document doc = new Document();
        doc.add(new Field("_id", encodeId(id), ID_TYPE));
        if (routing != null) doc.add(new StringField("_routing", routing, Field.Store.YES));
        doc.add(new StoredField("_source", source.getBytes(StandardCharsets.UTF_8)));
        doc.add(new LongPoint("_seq_no", seqNo));
        doc.add(new NumericDocValuesField("_seq_no", seqNo));
        doc.add(new NumericDocValuesField("_primary_term", 1));
        doc.add(new NumericDocValuesField("_version", 1 + seqNo % 3));
        doc.add(new TextField("body", source, Field.Store.NO));
        doc.add(new SortedSetDocValuesField("tags", new BytesRef("t" + (seqNo % 7))));
        doc.add(new SortedSetDocValuesField("tags", new BytesRef("u" + (seqNo % 11))));
        doc.add(new SortedDocValuesField("category", new BytesRef("c" + (seqNo % 5))));
        doc.add(new SortedNumericDocValuesField("nums", seqNo));
        doc.add(new SortedNumericDocValuesField("nums", seqNo * 3));
        doc.add(new BinaryDocValuesField("bin", new BytesRef("b" + seqNo)));
        if (extras) {
            // Every stored numeric encoding: zInt, zFloat, TLong (plain, seconds, hours, days), zDouble.
            int n = (int) seqNo;
            doc.add(new StoredField("n_int", n % 2 == 0 ? n * 1000 : -n));
            long[] longs = {n, -n * 1000L, n * 3_600_000L, n * 86_400_000L, Long.MIN_VALUE + n, 1_600_000_000_123L + n};
            doc.add(new StoredField("n_long", longs[n % longs.length]));
            float[] floats = {n % 100, -n, n + 0.5f, Float.MAX_VALUE, -0.0f, 1e-30f};
            doc.add(new StoredField("n_float", floats[n % floats.length]));
            double[] doubles = {n % 100, -n - 0.25, n / 3.0, (float) (n + 0.5), Double.MIN_VALUE, -1.0};
            doc.add(new StoredField("n_double", doubles[n % doubles.length]));
            doc.add(new StoredField("s_text", "st\u00e4ck " + n));
        }
        return doc;
    }

    /** An Elasticsearch delete tombstone: the id, sequence numbers, no _source, born soft-deleted. */
    static Document tombstone(String id, long seqNo) {
        Document doc = new Document();
        doc.add(new Field("_id", encodeId(id), ID_TYPE));
        doc.add(new LongPoint("_seq_no", seqNo));
        doc.add(new NumericDocValuesField("_seq_no", seqNo));
        doc.add(new NumericDocValuesField("_primary_term", 1));
        doc.add(new NumericDocValuesField("_version", 2));
        doc.add(new NumericDocValuesField("_tombstone", 1));
        doc.add(new NumericDocValuesField(SOFT_DELETES, 1));
        return doc;
    }

    static IndexWriterConfig config(boolean compression, boolean compound, boolean softDeletes) {
        IndexWriterConfig config = new IndexWriterConfig(new StandardAnalyzer());
        config.setCodec(new Lucene87Codec(compression ? Lucene87Codec.Mode.BEST_COMPRESSION : Lucene87Codec.Mode.BEST_SPEED));
        config.setUseCompoundFile(compound);
        TieredMergePolicy policy = new TieredMergePolicy();
        policy.setNoCFSRatio(compound ? 1.0 : 0.0);
        config.setMergePolicy(policy);
        if (softDeletes) config.setSoftDeletesField(SOFT_DELETES);
        config.setRAMBufferSizeMB(64);
        return config;
    }

    /** Writes docs with ES-style soft updates and deletes (or hard ones), committing every `commitEvery`. */
    static void scenario(IndexWriter writer, int count, boolean soft, int commitEvery, long seed, int sourceBytes, boolean extras)
        throws IOException {
        Random random = new Random(seed);
        List<String> ids = new ArrayList<>();
        long seqNo = 0;
        for (int i = 0; i < count; i++) {
            String id = idFor(i, random);
            ids.add(id);
            String routing = i % 5 == 0 ? "r" + (i % 3) + "\u00df" : null;
            Document doc = esDocument(id, routing, source(id, 1, random, sourceBytes), seqNo++, random, extras);
            if (soft) writer.softUpdateDocument(new Term("_id", encodeId(id)), doc, new NumericDocValuesField(SOFT_DELETES, 1));
            else writer.addDocument(doc);
            if (i % 7 == 3) { // update an earlier document
                String old = ids.get(random.nextInt(ids.size()));
                Document updated = esDocument(old, null, source(old, 2, random, sourceBytes), seqNo++, random, extras);
                if (soft) writer.softUpdateDocument(new Term("_id", encodeId(old)), updated, new NumericDocValuesField(SOFT_DELETES, 1));
                else writer.updateDocument(new Term("_id", encodeId(old)), updated);
            }
            if (i % 11 == 5) { // delete an earlier document
                String old = ids.get(random.nextInt(ids.size()));
                if (soft) writer.softUpdateDocument(new Term("_id", encodeId(old)), tombstone(old, seqNo++), new NumericDocValuesField(SOFT_DELETES, 1));
                else writer.deleteDocuments(new Term("_id", encodeId(old)));
            }
            if (commitEvery > 0 && i % commitEvery == commitEvery - 1) writer.commit();
        }
        writer.commit();
    }

    static void softDeletes(Directory dir) throws IOException {
        try (IndexWriter writer = new IndexWriter(dir, config(false, true, true))) {
            scenario(writer, 600, true, 150, 1, 300, true);
        }
    }

    static void hardDeletes(Directory dir) throws IOException {
        try (IndexWriter writer = new IndexWriter(dir, config(true, false, false))) {
            scenario(writer, 600, false, 200, 2, 500, true);
        }
    }

    static void manySegments(Directory dir) throws IOException {
        IndexWriterConfig config = config(false, true, true);
        config.setMergePolicy(NoMergePolicy.INSTANCE);
        config.setMaxBufferedDocs(40);
        try (IndexWriter writer = new IndexWriter(dir, config)) {
            Random random = new Random(3);
            List<String> ids = new ArrayList<>();
            long seqNo = 0;
            for (int i = 0; i < 1000; i++) {
                if (i % 40 == 0) writer.getConfig().setUseCompoundFile((i / 40) % 2 == 0);
                String id = idFor(i, random);
                ids.add(id);
                Document doc = esDocument(id, i % 4 == 0 ? "route" + i : null, source(id, 1, random, 200), seqNo++, random, false);
                writer.softUpdateDocument(new Term("_id", encodeId(id)), doc, new NumericDocValuesField(SOFT_DELETES, 1));
                if (i % 9 == 4) {
                    String old = ids.get(random.nextInt(ids.size()));
                    Document updated = esDocument(old, null, source(old, 2, random, 200), seqNo++, random, false);
                    writer.softUpdateDocument(new Term("_id", encodeId(old)), updated, new NumericDocValuesField(SOFT_DELETES, 1));
                }
                if (i % 13 == 6) { // some hard deletes too, as Elasticsearch does for failed documents
                    writer.deleteDocuments(new Term("_id", encodeId(ids.get(random.nextInt(ids.size())))));
                }
                if (i % 17 == 8) {
                    String old = ids.get(random.nextInt(ids.size()));
                    writer.softUpdateDocument(new Term("_id", encodeId(old)), tombstone(old, seqNo++), new NumericDocValuesField(SOFT_DELETES, 1));
                }
                if (i % 100 == 99) writer.commit();
            }
            writer.commit();
        }
    }

    static void large(Directory dir, boolean compression) throws IOException {
        try (IndexWriter writer = new IndexWriter(dir, config(compression, false, true))) {
            Random random = new Random(compression ? 5 : 4);
            long seqNo = 0;
            for (int i = 0; i < 24; i++) {
                String id = idFor(i, random);
                int size = i % 3 == 0 ? 1_000_000 + random.nextInt(2_000_000) : 50 + random.nextInt(3000);
                Document doc = esDocument(id, i % 2 == 0 ? "big" : null, source(id, 1, random, size), seqNo++, random, i % 4 == 0);
                writer.softUpdateDocument(new Term("_id", encodeId(id)), doc, new NumericDocValuesField(SOFT_DELETES, 1));
                if (i == 10) writer.commit();
            }
            // update one large document so a soft-deleted large one stays behind
            String first = idFor(0, random);
            writer.softUpdateDocument(new Term("_id", encodeId(first)),
                esDocument(first, null, source(first, 2, random, 100), seqNo++, random, false),
                new NumericDocValuesField(SOFT_DELETES, 1));
            writer.commit();
        }
    }

    /** Stored fields as Lucene 8.6 and older wrote them, under the name of a codec Lucene 8.7 can read back. */
    static final class LegacyCodec extends FilterCodec {
        final StoredFieldsFormat stored;
        LegacyCodec(boolean high) {
            super("Lucene86", new Lucene87Codec());
            CompressingStoredFieldsFormat format = high
                ? new CompressingStoredFieldsFormat("Lucene50StoredFieldsHighData", CompressionMode.HIGH_COMPRESSION, 61440, 512, 10)
                : new CompressingStoredFieldsFormat("Lucene50StoredFieldsFastData", CompressionMode.FAST, 1 << 14, 128, 10);
            String modeName = high ? "BEST_COMPRESSION" : "BEST_SPEED";
            stored = new StoredFieldsFormat() {
                @Override
                public StoredFieldsReader fieldsReader(Directory d, SegmentInfo si, FieldInfos fn, IOContext c) throws IOException {
                    return format.fieldsReader(d, si, fn, c);
                }
                @Override
                public StoredFieldsWriter fieldsWriter(Directory d, SegmentInfo si, IOContext c) throws IOException {
                    si.putAttribute("Lucene50StoredFieldsFormat.mode", modeName);
                    return format.fieldsWriter(d, si, c);
                }
            };
        }
        @Override
        public StoredFieldsFormat storedFieldsFormat() { return stored; }
    }

    static void legacy(Directory dir, boolean high) throws IOException {
        IndexWriterConfig config = config(false, !high, true);
        config.setCodec(new LegacyCodec(high));
        try (IndexWriter writer = new IndexWriter(dir, config)) {
            scenario(writer, 500, true, 120, high ? 7 : 6, 400, true);
            Random random = new Random(8);
            for (int i = 0; i < 3; i++) { // large ones for sliced chunks
                String id = "large-" + i;
                writer.softUpdateDocument(new Term("_id", encodeId(id)),
                    esDocument(id, null, source(id, 1, random, 200_000 + i * 70_000), 10_000 + i, random, false),
                    new NumericDocValuesField(SOFT_DELETES, 1));
            }
            writer.commit();
        }
    }

    static void big(Directory dir) throws IOException {
        IndexWriterConfig config = config(false, false, true);
        try (IndexWriter writer = new IndexWriter(dir, config)) {
            scenario(writer, 100_000, true, 25_000, 9, 700, false);
        }
    }

    static void bench(Path out, int count, boolean compression) throws IOException {
        Files.createDirectories(out);
        try (Directory dir = FSDirectory.open(out)) {
            IndexWriterConfig config = config(compression, false, true);
            try (IndexWriter writer = new IndexWriter(dir, config)) {
                Random random = new Random(10);
                for (int i = 0; i < count; i++) {
                    String id = idFor(i, random);
                    writer.addDocument(esDocument(id, null, source(id, 1, random, 850), i, random, false));
                }
                writer.forceMerge(1);
                writer.commit();
            }
        }
    }

    // MARK: Reading back with Lucene

    static DirectoryReader open(Directory dir) throws IOException {
        return new SoftDeletesDirectoryReaderWrapper(DirectoryReader.open(dir), SOFT_DELETES);
    }

    static void writeExpected(Directory dir, Path file) throws IOException {
        try (DirectoryReader reader = open(dir);
             Writer out = new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8)) {
            for (LeafReaderContext context : reader.leaves()) {
                LeafReader leaf = context.reader();
                String segment = ((SegmentReader) FilterUnwrap.unwrap(leaf)).getSegmentName();
                Bits live = leaf.getLiveDocs();
                for (int doc = 0; doc < leaf.maxDoc(); doc++) {
                    if (live != null && !live.get(doc)) continue;
                    Collector collector = new Collector();
                    leaf.document(doc, collector);
                    if (collector.source == null) continue; // tombstones are never live, but be safe
                    StringBuilder line = new StringBuilder();
                    line.append("{\"seg\":").append(jsonString(segment));
                    line.append(",\"doc\":").append(doc);
                    line.append(",\"id\":").append(jsonString(collector.id));
                    line.append(",\"routing\":").append(collector.routing == null ? "null" : jsonString(collector.routing));
                    line.append(",\"source\":").append(jsonString(collector.source));
                    line.append(",\"stored\":{");
                    boolean first = true;
                    for (Map.Entry<String, String> e : collector.others.entrySet()) {
                        if (!first) line.append(',');
                        first = false;
                        line.append(jsonString(e.getKey())).append(':').append(jsonString(e.getValue()));
                    }
                    line.append("}}\n");
                    out.write(line.toString());
                }
            }
        }
    }

    /** Finds the SegmentReader under SoftDeletesDirectoryReaderWrapper's filter readers. */
    static final class FilterUnwrap {
        static LeafReader unwrap(LeafReader reader) {
            while (reader instanceof org.apache.lucene.index.FilterLeafReader) {
                reader = ((org.apache.lucene.index.FilterLeafReader) reader).getDelegate();
            }
            while (reader instanceof org.apache.lucene.index.FilterCodecReader) {
                reader = ((org.apache.lucene.index.FilterCodecReader) reader).getDelegate();
            }
            return reader;
        }
    }

    /** Collects the Elasticsearch fields; other stored fields as text (floats and doubles as their raw bits). */
    static final class Collector extends StoredFieldVisitor {
        String id;
        String routing;
        String source;
        final TreeMap<String, String> others = new TreeMap<>();

        @Override
        public Status needsField(FieldInfo fieldInfo) { return Status.YES; }

        @Override
        public void binaryField(FieldInfo fieldInfo, byte[] value) {
            switch (fieldInfo.name) {
                case "_id": id = decodeId(value, 0, value.length); break;
                case "_source": source = new String(value, StandardCharsets.UTF_8); break;
                default: others.put(fieldInfo.name, "bytes:" + value.length);
            }
        }

        @Override
        public void stringField(FieldInfo fieldInfo, byte[] value) {
            String s = new String(value, StandardCharsets.UTF_8);
            if (fieldInfo.name.equals("_routing")) routing = s;
            else others.put(fieldInfo.name, "string:" + s);
        }

        @Override
        public void intField(FieldInfo fieldInfo, int value) { others.put(fieldInfo.name, "int:" + value); }

        @Override
        public void longField(FieldInfo fieldInfo, long value) { others.put(fieldInfo.name, "long:" + value); }

        @Override
        public void floatField(FieldInfo fieldInfo, float value) {
            others.put(fieldInfo.name, "float:" + Integer.toUnsignedString(Float.floatToRawIntBits(value)));
        }

        @Override
        public void doubleField(FieldInfo fieldInfo, double value) {
            others.put(fieldInfo.name, "double:" + Long.toUnsignedString(Double.doubleToRawLongBits(value)));
        }
    }

    /** Counts documents and _source bytes without keeping them. */
    static final class Counter extends StoredFieldVisitor {
        long sourceBytes;
        long fields;

        @Override
        public Status needsField(FieldInfo fieldInfo) { return Status.YES; }

        @Override
        public void binaryField(FieldInfo fieldInfo, byte[] value) {
            fields++;
            if (fieldInfo.name.equals("_source")) sourceBytes += value.length;
        }

        @Override
        public void stringField(FieldInfo fieldInfo, byte[] value) { fields++; }
    }

    static void read(Path indexPath) throws IOException {
        try (Directory dir = FSDirectory.open(indexPath); DirectoryReader reader = open(dir)) {
            // Warm up both paths once so the JIT has compiled them.
            readWithDocument(reader);
            readWithMergeInstance(reader);
            long t0 = System.nanoTime();
            long[] document = readWithDocument(reader);
            long t1 = System.nanoTime();
            long[] merge = readWithMergeInstance(reader);
            long t2 = System.nanoTime();
            System.out.println("{\"docs\":" + merge[0] + ",\"source_bytes\":" + merge[1]
                + ",\"document_docs\":" + document[0] + ",\"document_ms\":" + (t1 - t0) / 1_000_000
                + ",\"merge_ms\":" + (t2 - t1) / 1_000_000 + "}");
        }
    }

    static long[] readWithDocument(DirectoryReader reader) throws IOException {
        long docs = 0;
        Counter counter = new Counter();
        for (LeafReaderContext context : reader.leaves()) {
            LeafReader leaf = context.reader();
            Bits live = leaf.getLiveDocs();
            for (int doc = 0; doc < leaf.maxDoc(); doc++) {
                if (live != null && !live.get(doc)) continue;
                leaf.document(doc, counter);
                docs++;
            }
        }
        return new long[] {docs, counter.sourceBytes};
    }

    static long[] readWithMergeInstance(DirectoryReader reader) throws IOException {
        long docs = 0;
        Counter counter = new Counter();
        for (LeafReaderContext context : reader.leaves()) {
            CodecReader leaf = (CodecReader) context.reader();
            Bits live = leaf.getLiveDocs();
            StoredFieldsReader fields = leaf.getFieldsReader().getMergeInstance();
            for (int doc = 0; doc < leaf.maxDoc(); doc++) {
                if (live != null && !live.get(doc)) continue;
                fields.visitDocument(doc, counter);
                docs++;
            }
        }
        return new long[] {docs, counter.sourceBytes};
    }
}
