// Writes Lucene 9 and 10 test indexes the way OpenSearch 2.x/3.x and Elasticsearch 8.x/9.x store documents, plus the
// live documents as Lucene itself reads them, for the Swift Lucene reader's tests and benchmark.
//
// One build runs on two Lucenes: compiled once with javac 17 (--release 17) against Lucene 9.9, run on Java 17 with
// Lucene 9.9 (codec Lucene99) and on Java 21+ with Lucene 10.4 (codec Lucene104). So it calls only APIs both have, and
// picks the codec and its stored-fields mode by reflection.
//
// Usage: java -cp <lucene jar>:<classes> ModernLuceneFixtureGenerator MODE OUTPUT_FOLDER [ARGS]
//   <classes> must hold META-INF/services/org.apache.lucene.codecs.Codec (next to this file) so that Lucene finds the
//   label codecs below when it reads the indexes back.
//   modes writing OUTPUT_FOLDER/index, OUTPUT_FOLDER/expected.ndjson and OUTPUT_FOLDER/segments.ndjson:
//     soft-deletes       BEST_SPEED (LZ4 with preset dictionary), compound files, ES-style soft updates and tombstones
//     hard-deletes       BEST_COMPRESSION (DEFLATE with preset dictionary), non-compound, updateDocument/deleteDocuments
//     many-segments      NoMergePolicy, a flush every 40 documents, compound and non-compound segments, both delete kinds,
//                        both stored-fields modes (the writer is reopened with the other mode every 250 documents)
//     all-deleted        a segment whose every document is soft-deleted and one whose every document is hard-deleted,
//                        both kept in the commit (Elasticsearch's SoftDeletesRetentionMergePolicy over NoMergePolicy)
//     large-speed        documents of 1-3 MB (sliced chunks), BEST_SPEED
//     large-compression  the same with BEST_COMPRESSION
//     opensearch         OpenSearch-shaped, codec named like the k-NN plugin's (KNN990Codec / KNN1030Codec), BEST_SPEED,
//                        compound, _recovery_source on some documents whose _source is filtered
//     opensearch-custom  codec named like the custom-codecs plugin's (Lucene99CustomCodec / Lucene101CustomCodec),
//                        BEST_COMPRESSION, non-compound
//     elasticsearch      Elasticsearch 8/9-shaped, codec named like Elasticsearch's (Elasticsearch816 /
//                        Elasticsearch900Lucene101), BEST_COMPRESSION, compound, _recovery_source and _ignored_source
//     big                100,000+ documents of about 1 KB, BEST_SPEED, some soft updates
//     elasticsearch-zstd Elasticsearch 8.14+'s zstd stored fields (ZstdStoredFields814: one zstd frame per chunk), its
//                        BEST_SPEED and BEST_COMPRESSION chunk sizes in two segments, codec named Elasticsearch814
//     opensearch-zstd    OpenSearch custom-codecs' zstd (CustomStoredFieldsZstd: a dictionary and ten blocks, each a
//                        zstd frame, the blocks with the dictionary as history), codec named Zstd99
//     opensearch-zstd-nodict  the same plugin's zstd_no_dict (CustomStoredFieldsZstdNoDict: ten zstd frames), ZstdNoDict99
//                        The three zstd modes follow Elasticsearch's and the plugin's public sources; the frames are
//                        written and read by the zstd command line, so real zstd data, read back through Lucene.
//     empty-documents    runs of documents without any stored field (whole chunks of them), as nested documents are,
//                        in a Lucene BEST_SPEED segment and an Elasticsearch zstd one
//   bench OUTPUT_FOLDER N [speed|compression]   an index of N documents of about 1 KB, one segment (no expectations)
//   read INDEX_FOLDER                           reads every live document's stored fields two ways and prints one JSON line
//
// Each expected.ndjson line: {"seg":"_0","doc":3,"id":"...","routing":null|"...","source":"...","stored":{...}}
// in the order DirectoryReader visits them (leaf order, then doc id), exactly as LuceneFixtureGenerator (Lucene 8.7)
// writes it. Each segments.ndjson line describes one segment of the commit as Lucene sees it:
// {"name":"_0","codec":"...","compound":true,"maxDoc":N,"delCount":N,"softDelCount":N,"mode":"BEST_SPEED"}.

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
import org.apache.lucene.codecs.compressing.CompressionMode;
import org.apache.lucene.codecs.compressing.Compressor;
import org.apache.lucene.codecs.compressing.Decompressor;
import org.apache.lucene.codecs.lucene90.compressing.Lucene90CompressingStoredFieldsFormat;
import org.apache.lucene.store.ByteBuffersDataInput;
import org.apache.lucene.store.DataInput;
import org.apache.lucene.store.DataOutput;
import org.apache.lucene.codecs.StoredFieldsReader;
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
import org.apache.lucene.index.FilterCodecReader;
import org.apache.lucene.index.FilterLeafReader;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MergePolicy;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.index.SoftDeletesDirectoryReaderWrapper;
import org.apache.lucene.index.SoftDeletesRetentionMergePolicy;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.Version;

public final class ModernLuceneFixtureGenerator {
    static final String SOFT_DELETES = "__soft_deletes";
    /** Lucene90StoredFieldsFormat.MODE_KEY: the segment attribute that says BEST_SPEED or BEST_COMPRESSION. */
    static final String MODE_KEY = "Lucene90StoredFieldsFormat.mode";
    /** The first sequence number whose soft-deleted documents merges keep (Elasticsearch's retention lease stand-in). */
    static final long RETAIN_FROM_SEQ_NO = 200;

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ModernLuceneFixtureGenerator MODE OUTPUT_FOLDER [ARGS]");
            System.exit(2);
        }
        // The label codecs delegate to currentCodecClass(); make sure that is the codec this Lucene writes by default.
        if (Codec.getDefault().getClass() != currentCodecClass()) {
            throw new IllegalStateException("Lucene " + Version.LATEST + " writes " + Codec.getDefault().getName()
                + " by default, but this generator knows " + currentCodecClass().getName() + ": teach currentCodecClass()");
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
                case "all-deleted": allDeleted(dir); break;
                case "large-speed": large(dir, false); break;
                case "large-compression": large(dir, true); break;
                case "opensearch": labelled(dir, Label.KNN, false, true, Shape.OPENSEARCH, 11); break;
                case "opensearch-custom": labelled(dir, Label.CUSTOM, true, false, Shape.OPENSEARCH, 12); break;
                case "elasticsearch": labelled(dir, Label.ELASTICSEARCH, true, true, Shape.ELASTICSEARCH, 13); break;
                case "big": big(dir); break;
                case "elasticsearch-zstd": zstd(dir, ZstdLayout.ELASTICSEARCH, 14); break;
                case "opensearch-zstd": zstd(dir, ZstdLayout.OPENSEARCH, 15); break;
                case "opensearch-zstd-nodict": zstd(dir, ZstdLayout.OPENSEARCH_NO_DICT, 16); break;
                case "empty-documents": emptyDocuments(dir); break;
                default:
                    System.err.println("unknown mode " + mode);
                    System.exit(2);
            }
            writeExpected(dir, out.resolve("expected.ndjson"));
            writeSegments(dir, out.resolve("segments.ndjson"));
        }
    }

    // MARK: Codecs

    /**
     * The codec this Lucene writes by default. Codec.getDefault() cannot be asked from a codec's constructor (Lucene is
     * still loading its codecs then), so the label codecs find it by class name; main() checks the answer.
     */
    static Class<?> currentCodecClass() {
        for (String name : new String[] {"org.apache.lucene.codecs.lucene104.Lucene104Codec",
                                         "org.apache.lucene.codecs.lucene99.Lucene99Codec"}) {
            try {
                return Class.forName(name);
            } catch (ClassNotFoundException e) {
                // not this Lucene
            }
        }
        throw new IllegalStateException("Lucene " + Version.LATEST + " has neither Lucene104Codec nor Lucene99Codec");
    }

    /** The default codec with its stored-fields mode (its nested Mode enum: BEST_SPEED or BEST_COMPRESSION). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Codec codec(boolean compression) {
        try {
            Class<?> codecClass = currentCodecClass();
            Class modeClass = Class.forName(codecClass.getName() + "$Mode");
            Object mode = Enum.valueOf(modeClass, compression ? "BEST_COMPRESSION" : "BEST_SPEED");
            return (Codec) codecClass.getConstructor(modeClass).newInstance(mode);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make the default codec with a stored-fields mode", e);
        }
    }

    /** Which family of foreign codec names a labelled index carries. */
    enum Label { KNN, CUSTOM, ELASTICSEARCH }

    /** A label codec of this Lucene's major version, writing with the given stored-fields mode. */
    static Codec labelCodec(Label label, boolean compression) {
        boolean ten = Version.LATEST.major >= 10;
        switch (label) {
            case KNN: return ten ? new KNN1030Codec(compression) : new KNN990Codec(compression);
            case CUSTOM: return ten ? new Lucene101CustomCodec(compression) : new Lucene99CustomCodec(compression);
            default: return ten ? new Elasticsearch900Lucene101(compression) : new Elasticsearch816(compression);
        }
    }

    // Codecs that are only names: every format is the default codec's, as OpenSearch's k-NN and custom-codecs plugins
    // and Elasticsearch name their codecs while storing fields with Lucene's formats. They are registered in
    // META-INF/services/org.apache.lucene.codecs.Codec so Lucene finds them by name when it reads the index back; the
    // no-argument constructor Lucene calls reads both modes (the mode is a segment attribute).

    public static final class KNN990Codec extends FilterCodec {
        public KNN990Codec() { this(false); }
        KNN990Codec(boolean compression) { super("KNN990Codec", codec(compression)); }
    }

    public static final class KNN1030Codec extends FilterCodec {
        public KNN1030Codec() { this(false); }
        KNN1030Codec(boolean compression) { super("KNN1030Codec", codec(compression)); }
    }

    public static final class Lucene99CustomCodec extends FilterCodec {
        public Lucene99CustomCodec() { this(false); }
        Lucene99CustomCodec(boolean compression) { super("Lucene99CustomCodec", codec(compression)); }
    }

    public static final class Lucene101CustomCodec extends FilterCodec {
        public Lucene101CustomCodec() { this(false); }
        Lucene101CustomCodec(boolean compression) { super("Lucene101CustomCodec", codec(compression)); }
    }

    public static final class Elasticsearch816 extends FilterCodec {
        public Elasticsearch816() { this(false); }
        Elasticsearch816(boolean compression) { super("Elasticsearch816", codec(compression)); }
    }

    public static final class Elasticsearch900Lucene101 extends FilterCodec {
        public Elasticsearch900Lucene101() { this(false); }
        Elasticsearch900Lucene101(boolean compression) { super("Elasticsearch900Lucene101", codec(compression)); }
    }

    // MARK: zstd stored fields (Elasticsearch 8.14+, OpenSearch's custom-codecs plugin)

    /** The zstd layouts other engines plug into Lucene90CompressingStoredFieldsFormat. */
    enum ZstdLayout {
        /** Elasticsearch's Zstd814StoredFieldsFormat: a vInt length and one frame per piece, nothing for an empty one. */
        ELASTICSEARCH,
        /** The plugin's ZstdCompressionMode: dictionary length, block length, then (vInt length, frame) for the
         *  dictionary and for each block, the blocks compressed with the dictionary as raw-content history. */
        OPENSEARCH,
        /** The plugin's ZstdNoDictCompressionMode: block length, then (vInt length, frame) for each block. */
        OPENSEARCH_NO_DICT
    }

    /** Runs the zstd command line: real zstd frames (with their content size) without a zstd library in Java. */
    static byte[] zstdTool(byte[] input, byte[] dictionary, boolean decompress) throws IOException {
        Path dir = Files.createTempDirectory("tern-zstd");
        try {
            Path in = dir.resolve("in");
            Files.write(in, input);
            List<String> command = new ArrayList<>(List.of("zstd", "-q", "-c", decompress ? "-d" : "-3"));
            if (dictionary != null && dictionary.length > 0) {
                Path dict = dir.resolve("dict");
                Files.write(dict, dictionary);
                command.add("-D");
                command.add(dict.toString());
            }
            command.add(in.toString());
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (process.waitFor() != 0) throw new IOException("zstd failed: " + command);
            return out;
        } catch (InterruptedException e) {
            throw new IOException(e);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path file : (Iterable<Path>) files::iterator) Files.delete(file);
            }
            Files.delete(dir);
        }
    }

    /** Lucene reads a chunk once per document it returns: decompress each distinct frame once. */
    static final Map<String, byte[]> UNZSTD_CACHE = new java.util.HashMap<>();

    static synchronized byte[] unzstd(byte[] frame, byte[] dictionary) throws IOException {
        String key = new String(frame, StandardCharsets.ISO_8859_1) + "\u0000" + java.util.Arrays.hashCode(dictionary);
        byte[] cached = UNZSTD_CACHE.get(key);
        if (cached == null) {
            cached = zstdTool(frame, dictionary, true);
            UNZSTD_CACHE.put(key, cached);
        }
        return cached;
    }

    static void writeFrame(DataOutput out, byte[] bytes, int offset, int length, byte[] dictionary) throws IOException {
        if (length == 0) {
            out.writeVInt(0);
            return;
        }
        byte[] frame = zstdTool(java.util.Arrays.copyOfRange(bytes, offset, offset + length), dictionary, false);
        out.writeVInt(frame.length);
        out.writeBytes(frame, frame.length);
    }

    static byte[] readFrame(DataInput in, int expected, byte[] dictionary) throws IOException {
        int length = in.readVInt();
        if (length == 0) return new byte[0];
        byte[] frame = new byte[length];
        in.readBytes(frame, 0, length);
        byte[] plain = unzstd(frame, dictionary);
        if (plain.length != expected) throw new IOException("zstd frame of " + plain.length + " bytes, expected " + expected);
        return plain;
    }

    static final class ZstdMode extends CompressionMode {
        final ZstdLayout layout;

        ZstdMode(ZstdLayout layout) { this.layout = layout; }

        @Override
        public Compressor newCompressor() {
            return new Compressor() {
                @Override
                public void compress(ByteBuffersDataInput input, DataOutput out) throws IOException {
                    int length = (int) (input.length() - input.position());
                    byte[] bytes = new byte[length];
                    input.readBytes(bytes, 0, length);
                    switch (layout) {
                        case ELASTICSEARCH:
                            if (length > 0) writeFrame(out, bytes, 0, length, null);
                            break;
                        case OPENSEARCH: {
                            int dictLength = length / 20;
                            int blockLength = (length - dictLength + 9) / 10;
                            out.writeVInt(dictLength);
                            out.writeVInt(blockLength);
                            writeFrame(out, bytes, 0, dictLength, null);
                            byte[] dictionary = java.util.Arrays.copyOfRange(bytes, 0, dictLength);
                            for (int start = dictLength; start < length; start += blockLength) {
                                writeFrame(out, bytes, start, Math.min(blockLength, length - start), dictionary);
                            }
                            break;
                        }
                        default: {
                            int blockLength = (length + 9) / 10;
                            out.writeVInt(blockLength);
                            for (int start = 0; start < length; start += blockLength) {
                                writeFrame(out, bytes, start, Math.min(blockLength, length - start), null);
                            }
                        }
                    }
                }

                @Override
                public void close() {}
            };
        }

        @Override
        public Decompressor newDecompressor() {
            return new Decompressor() {
                @Override
                public void decompress(DataInput in, int originalLength, int offset, int length, BytesRef bytes) throws IOException {
                    byte[] plain = new byte[originalLength];
                    if (originalLength > 0 || layout != ZstdLayout.ELASTICSEARCH) {
                        switch (layout) {
                            case ELASTICSEARCH:
                                plain = readFrame(in, originalLength, null);
                                break;
                            case OPENSEARCH: {
                                int dictLength = in.readVInt();
                                int blockLength = in.readVInt();
                                byte[] dictionary = readFrame(in, dictLength, null);
                                System.arraycopy(dictionary, 0, plain, 0, dictLength);
                                for (int start = dictLength; start < originalLength; start += blockLength) {
                                    int piece = Math.min(blockLength, originalLength - start);
                                    System.arraycopy(readFrame(in, piece, dictionary), 0, plain, start, piece);
                                }
                                break;
                            }
                            default: {
                                int blockLength = in.readVInt();
                                for (int start = 0; start < originalLength; start += blockLength) {
                                    int piece = Math.min(blockLength, originalLength - start);
                                    System.arraycopy(readFrame(in, piece, null), 0, plain, start, piece);
                                }
                            }
                        }
                    }
                    bytes.bytes = java.util.Arrays.copyOfRange(plain, offset, offset + length);
                    bytes.offset = 0;
                    bytes.length = length;
                }

                @Override
                public Decompressor clone() { return this; }
            };
        }
    }

    /** The stored-fields format of a zstd layout; the chunk sizes are the engines' (Elasticsearch's two modes). */
    static StoredFieldsFormat zstdFormat(ZstdLayout layout, boolean compression) {
        switch (layout) {
            case ELASTICSEARCH:
                return compression
                    ? new Lucene90CompressingStoredFieldsFormat("ZstdStoredFields814", new ZstdMode(layout), 240 * 1024, 2048, 10)
                    : new Lucene90CompressingStoredFieldsFormat("ZstdStoredFields814", new ZstdMode(layout), 14 * 1024, 128, 10);
            case OPENSEARCH:
                return new Lucene90CompressingStoredFieldsFormat("CustomStoredFieldsZstd", new ZstdMode(layout), 480 * 1024, 4096, 10);
            default:
                return new Lucene90CompressingStoredFieldsFormat("CustomStoredFieldsZstdNoDict", new ZstdMode(layout), 480 * 1024, 4096, 10);
        }
    }

    public static final class Elasticsearch814 extends FilterCodec {
        final StoredFieldsFormat stored;
        public Elasticsearch814() { this(false); }
        Elasticsearch814(boolean compression) {
            super("Elasticsearch814", codec(false));
            stored = zstdFormat(ZstdLayout.ELASTICSEARCH, compression);
        }
        @Override public StoredFieldsFormat storedFieldsFormat() { return stored; }
    }

    public static final class Zstd99 extends FilterCodec {
        final StoredFieldsFormat stored = zstdFormat(ZstdLayout.OPENSEARCH, false);
        public Zstd99() { super("Zstd99", codec(false)); }
        @Override public StoredFieldsFormat storedFieldsFormat() { return stored; }
    }

    public static final class ZstdNoDict99 extends FilterCodec {
        final StoredFieldsFormat stored = zstdFormat(ZstdLayout.OPENSEARCH_NO_DICT, false);
        public ZstdNoDict99() { super("ZstdNoDict99", codec(false)); }
        @Override public StoredFieldsFormat storedFieldsFormat() { return stored; }
    }

    static void zstd(Directory dir, ZstdLayout layout, long seed) throws IOException {
        Codec[] codecs = layout == ZstdLayout.ELASTICSEARCH
            ? new Codec[] {new Elasticsearch814(false), new Elasticsearch814(true)}
            : new Codec[] {layout == ZstdLayout.OPENSEARCH ? new Zstd99() : new ZstdNoDict99()};
        Shape shape = layout == ZstdLayout.ELASTICSEARCH ? Shape.ELASTICSEARCH : Shape.OPENSEARCH;
        Random random = new Random(seed + 100);
        for (int round = 0; round < codecs.length; round++) {
            IndexWriterConfig config = config(codecs[round], round == 0, true);
            config.setMergePolicy(NoMergePolicy.INSTANCE);
            try (IndexWriter writer = new IndexWriter(dir, config)) {
                scenario(writer, 300, true, 0, seed + round, 400, true, shape);
                String id = "large-" + round; // a document larger than a chunk: sliced pieces
                writer.softUpdateDocument(new Term("_id", encodeId(id)),
                    esDocument(id, null, source(id, 1, random, 600_000), 20_000 + round, random, false, shape), softDeleteMarker());
                writer.commit();
            }
        }
    }

    /**
     * Documents with no stored field at all, between ordinary ones: 2,100 in a row fill whole chunks of Lucene's
     * BEST_SPEED (1,024 documents at most) and of Elasticsearch's zstd (128), whose compressors then see empty input.
     */
    static void emptyDocuments(Directory dir) throws IOException {
        Codec[] codecs = {codec(false), new Elasticsearch814(false)};
        Random random = new Random(17);
        long seqNo = 0;
        for (int round = 0; round < codecs.length; round++) {
            IndexWriterConfig config = config(codecs[round], false, true);
            config.setMergePolicy(NoMergePolicy.INSTANCE);
            try (IndexWriter writer = new IndexWriter(dir, config)) {
                for (int i = 0; i < 2700; i++) {
                    if (i >= 300 && i < 2400) {
                        Document empty = new Document();
                        empty.add(new LongPoint("_seq_no", seqNo));
                        empty.add(new NumericDocValuesField("_seq_no", seqNo++));
                        empty.add(new StringField("nested_path", "comments", Field.Store.NO));
                        writer.addDocument(empty);
                    } else {
                        String id = idFor(i + 3000 * round, random);
                        writer.addDocument(esDocument(id, null, source(id, 1, random, 200), seqNo++, random, false, Shape.PLAIN));
                    }
                }
                writer.commit();
            }
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
        + "et dolore magna aliqua caf\u00e9 na\u00efve \u65e5\u672c \u00fcber quick brown fox jumps over the lazy dog "
        + "\u0436\u0443\u0440\u043d\u0430\u043b \u03b1\u03b2\u03b3 \uD83D\uDE80";
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

    /** Which engine's stored fields a document carries besides `_id`, `_source` and `_routing`. */
    enum Shape {
        /** Elasticsearch 7 and OpenSearch 1, as the Lucene 8.7 generator writes them. */
        PLAIN,
        /** OpenSearch 2.x/3.x: `_recovery_source` (the full source) where `_source` is filtered. */
        OPENSEARCH,
        /** Elasticsearch 8.x/9.x: `_recovery_source` as OpenSearch, and `_ignored_source` (binary) on some documents. */
        ELASTICSEARCH
    }

    /** A document with Elasticsearch's stored fields and the doc values fields its mapping adds. */
    static Document esDocument(String id, String routing, String source, long seqNo, Random random, boolean extras, Shape shape) {
        Document doc = new Document();
        doc.add(new Field("_id", encodeId(id), ID_TYPE));
        if (routing != null) doc.add(new StringField("_routing", routing, Field.Store.YES));
        if (shape != Shape.PLAIN && seqNo % 3 == 1) {
            // A mapping with _source excludes: the engine keeps the whole source in _recovery_source for peer recovery
            // and stores the filtered one; readers must copy _source, never _recovery_source. The title is plain words,
            // so the body is the first ,"body": in the JSON.
            String filtered = source.substring(0, source.indexOf(",\"body\":")) + "}";
            doc.add(new StoredField("_source", filtered.getBytes(StandardCharsets.UTF_8)));
            doc.add(new StoredField("_recovery_source", source.getBytes(StandardCharsets.UTF_8)));
            doc.add(new NumericDocValuesField("_recovery_source", 1));
        } else {
            doc.add(new StoredField("_source", source.getBytes(StandardCharsets.UTF_8)));
        }
        if (shape == Shape.ELASTICSEARCH && seqNo % 4 == 2) {
            // Elasticsearch 8.15+ keeps values of ignored fields for synthetic source: opaque bytes to a reader.
            byte[] ignored = ("\u0005title" + seqNo).getBytes(StandardCharsets.UTF_8);
            doc.add(new StoredField("_ignored_source", ignored));
        }
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

    static Field softDeleteMarker() {
        return new NumericDocValuesField(SOFT_DELETES, 1);
    }

    static IndexWriterConfig config(Codec codec, boolean compound, boolean softDeletes) {
        IndexWriterConfig config = new IndexWriterConfig(new StandardAnalyzer());
        config.setCodec(codec);
        config.setUseCompoundFile(compound);
        TieredMergePolicy policy = new TieredMergePolicy();
        policy.setNoCFSRatio(compound ? 1.0 : 0.0);
        config.setMergePolicy(policy);
        if (softDeletes) {
            config.setSoftDeletesField(SOFT_DELETES);
            // As Elasticsearch and OpenSearch do: merges keep the recent soft-deleted documents (their history of
            // operations), so merged segments still hold soft deletes; older ones are merged away.
            config.setMergePolicy(new SoftDeletesRetentionMergePolicy(SOFT_DELETES,
                () -> LongPoint.newRangeQuery("_seq_no", RETAIN_FROM_SEQ_NO, Long.MAX_VALUE), policy));
        }
        config.setRAMBufferSizeMB(64);
        return config;
    }

    /** Writes docs with ES-style soft updates and deletes (or hard ones), committing every `commitEvery`. */
    static void scenario(IndexWriter writer, int count, boolean soft, int commitEvery, long seed, int sourceBytes, boolean extras,
                         Shape shape) throws IOException {
        Random random = new Random(seed);
        List<String> ids = new ArrayList<>();
        long seqNo = 0;
        for (int i = 0; i < count; i++) {
            String id = idFor(i, random);
            ids.add(id);
            String routing = i % 5 == 0 ? "r" + (i % 3) + "\u00df" : null;
            Document doc = esDocument(id, routing, source(id, 1, random, sourceBytes), seqNo++, random, extras, shape);
            if (soft) writer.softUpdateDocument(new Term("_id", encodeId(id)), doc, softDeleteMarker());
            else writer.addDocument(doc);
            if (i % 7 == 3) { // update an earlier document
                String old = ids.get(random.nextInt(ids.size()));
                Document updated = esDocument(old, null, source(old, 2, random, sourceBytes), seqNo++, random, extras, shape);
                if (soft) writer.softUpdateDocument(new Term("_id", encodeId(old)), updated, softDeleteMarker());
                else writer.updateDocument(new Term("_id", encodeId(old)), updated);
            }
            if (i % 11 == 5) { // delete an earlier document
                String old = ids.get(random.nextInt(ids.size()));
                if (soft) writer.softUpdateDocument(new Term("_id", encodeId(old)), tombstone(old, seqNo++), softDeleteMarker());
                else writer.deleteDocuments(new Term("_id", encodeId(old)));
            }
            if (commitEvery > 0 && i % commitEvery == commitEvery - 1) writer.commit();
        }
        writer.commit();
    }

    static void softDeletes(Directory dir) throws IOException {
        try (IndexWriter writer = new IndexWriter(dir, config(codec(false), true, true))) {
            scenario(writer, 600, true, 150, 1, 300, true, Shape.PLAIN);
        }
    }

    static void hardDeletes(Directory dir) throws IOException {
        try (IndexWriter writer = new IndexWriter(dir, config(codec(true), false, false))) {
            scenario(writer, 600, false, 200, 2, 500, true, Shape.PLAIN);
        }
    }

    static void manySegments(Directory dir) throws IOException {
        Random random = new Random(3);
        List<String> ids = new ArrayList<>();
        long seqNo = 0;
        // The codec is fixed per writer: reopen it every 250 documents with the other stored-fields mode.
        for (int session = 0; session < 4; session++) {
            IndexWriterConfig config = config(codec(session % 2 == 1), true, true);
            config.setMergePolicy(NoMergePolicy.INSTANCE);
            config.setMaxBufferedDocs(40);
            try (IndexWriter writer = new IndexWriter(dir, config)) {
                for (int i = session * 250; i < (session + 1) * 250; i++) {
                    if (i % 40 == 0) writer.getConfig().setUseCompoundFile((i / 40) % 2 == 0);
                    String id = idFor(i, random);
                    ids.add(id);
                    Document doc = esDocument(id, i % 4 == 0 ? "route" + i : null, source(id, 1, random, 200), seqNo++, random, false,
                        Shape.PLAIN);
                    writer.softUpdateDocument(new Term("_id", encodeId(id)), doc, softDeleteMarker());
                    if (i % 9 == 4) {
                        String old = ids.get(random.nextInt(ids.size()));
                        Document updated = esDocument(old, null, source(old, 2, random, 200), seqNo++, random, false, Shape.PLAIN);
                        writer.softUpdateDocument(new Term("_id", encodeId(old)), updated, softDeleteMarker());
                    }
                    if (i % 13 == 6) { // some hard deletes too, as Elasticsearch does for failed documents
                        writer.deleteDocuments(new Term("_id", encodeId(ids.get(random.nextInt(ids.size())))));
                    }
                    if (i % 17 == 8) {
                        String old = ids.get(random.nextInt(ids.size()));
                        writer.softUpdateDocument(new Term("_id", encodeId(old)), tombstone(old, seqNo++), softDeleteMarker());
                    }
                    if (i % 100 == 99) writer.commit();
                }
                writer.commit();
            }
        }
    }

    /**
     * Segments without a live document that stay in the commit: Elasticsearch keeps soft-deleted documents for its
     * history retention (SoftDeletesRetentionMergePolicy keeps a fully deleted segment while its documents match the
     * retention query), and the policy keeps a fully hard-deleted one for the same reason.
     */
    static void allDeleted(Directory dir) throws IOException {
        IndexWriterConfig config = config(codec(false), false, true);
        MergePolicy retention = new SoftDeletesRetentionMergePolicy(SOFT_DELETES,
            () -> LongPoint.newRangeQuery("_seq_no", 0, Long.MAX_VALUE), NoMergePolicy.INSTANCE);
        config.setMergePolicy(retention);
        try (IndexWriter writer = new IndexWriter(dir, config)) {
            Random random = new Random(14);
            long seqNo = 0;
            List<String> first = new ArrayList<>();
            List<String> second = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                String id = idFor(i, random);
                (i < 30 ? first : second).add(id);
                Document doc = esDocument(id, i % 5 == 0 ? "r\u00e9" : null, source(id, 1, random, 300), seqNo++, random, i % 2 == 0,
                    Shape.PLAIN);
                writer.softUpdateDocument(new Term("_id", encodeId(id)), doc, softDeleteMarker());
                if (i == 29) writer.commit(); // segment one: every document will be soft-deleted
            }
            writer.commit(); // segment two: every document will be hard-deleted
            for (int i = 0; i < first.size(); i++) { // update or delete every document of segment one
                String id = first.get(i);
                Document replacement = i % 3 == 0 ? tombstone(id, seqNo++)
                    : esDocument(id, null, source(id, 2, random, 200), seqNo++, random, false, Shape.PLAIN);
                writer.softUpdateDocument(new Term("_id", encodeId(id)), replacement, softDeleteMarker());
            }
            for (String id : second) writer.deleteDocuments(new Term("_id", encodeId(id)));
            for (int i = 60; i < 90; i++) { // and a segment of live documents after them
                String id = idFor(i, random);
                writer.softUpdateDocument(new Term("_id", encodeId(id)),
                    esDocument(id, null, source(id, 1, random, 300), seqNo++, random, false, Shape.PLAIN), softDeleteMarker());
            }
            writer.commit();
        }
        boolean softKept = false;
        boolean hardKept = false;
        for (SegmentCommitInfo info : SegmentInfos.readLatestCommit(dir)) {
            int maxDoc = info.info.maxDoc();
            softKept |= info.getSoftDelCount() == maxDoc;
            hardKept |= info.getDelCount() == maxDoc;
        }
        if (!softKept || !hardKept) {
            throw new IllegalStateException("all-deleted: Lucene dropped a fully deleted segment (soft kept: " + softKept
                + ", hard kept: " + hardKept + ")");
        }
    }

    static void large(Directory dir, boolean compression) throws IOException {
        try (IndexWriter writer = new IndexWriter(dir, config(codec(compression), false, true))) {
            Random random = new Random(compression ? 5 : 4);
            long seqNo = 0;
            for (int i = 0; i < 24; i++) {
                String id = idFor(i, random);
                int size = i % 3 == 0 ? 1_000_000 + random.nextInt(2_000_000) : 50 + random.nextInt(3000);
                Document doc = esDocument(id, i % 2 == 0 ? "big" : null, source(id, 1, random, size), seqNo++, random, i % 4 == 0,
                    Shape.PLAIN);
                writer.softUpdateDocument(new Term("_id", encodeId(id)), doc, softDeleteMarker());
                if (i == 10) writer.commit();
            }
            // update one large document so a soft-deleted large one stays behind
            String first = idFor(0, random);
            writer.softUpdateDocument(new Term("_id", encodeId(first)),
                esDocument(first, null, source(first, 2, random, 100), seqNo++, random, false, Shape.PLAIN), softDeleteMarker());
            writer.commit();
        }
    }

    /** An index written under a foreign codec name, shaped like that engine's documents. */
    static void labelled(Directory dir, Label label, boolean compression, boolean compound, Shape shape, long seed)
        throws IOException {
        try (IndexWriter writer = new IndexWriter(dir, config(labelCodec(label, compression), compound, true))) {
            scenario(writer, 500, true, 125, seed, 400, label != Label.CUSTOM, shape);
            Random random = new Random(seed + 100);
            // A few hard deletes (Elasticsearch's failed documents) and two documents larger than a chunk.
            for (int i = 0; i < 3; i++) writer.deleteDocuments(new Term("_id", encodeId(idFor(i * 6, random))));
            for (int i = 0; i < 2; i++) {
                String id = "large-" + i;
                writer.softUpdateDocument(new Term("_id", encodeId(id)),
                    esDocument(id, "r" + i, source(id, 1, random, 150_000 + i * 90_000), 10_000 + i, random, false, shape),
                    softDeleteMarker());
            }
            writer.commit();
        }
    }

    static void big(Directory dir) throws IOException {
        try (IndexWriter writer = new IndexWriter(dir, config(codec(false), false, true))) {
            scenario(writer, 100_000, true, 25_000, 9, 700, false, Shape.PLAIN);
        }
    }

    static void bench(Path out, int count, boolean compression) throws IOException {
        Files.createDirectories(out);
        try (Directory dir = FSDirectory.open(out)) {
            try (IndexWriter writer = new IndexWriter(dir, config(codec(compression), false, true))) {
                Random random = new Random(10);
                for (int i = 0; i < count; i++) {
                    String id = idFor(i, random);
                    writer.addDocument(esDocument(id, null, source(id, 1, random, 850), i, random, false, Shape.PLAIN));
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
                String segment = ((SegmentReader) unwrap(leaf)).getSegmentName();
                Bits live = leaf.getLiveDocs();
                StoredFields storedFields = leaf.storedFields();
                for (int doc = 0; doc < leaf.maxDoc(); doc++) {
                    if (live != null && !live.get(doc)) continue;
                    Collector collector = new Collector();
                    storedFields.document(doc, collector);
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

    /** The commit's segments as Lucene reads them, fully deleted ones included. */
    static void writeSegments(Directory dir, Path file) throws IOException {
        try (Writer out = new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8)) {
            for (SegmentCommitInfo info : SegmentInfos.readLatestCommit(dir)) {
                String mode = info.info.getAttribute(MODE_KEY);
                out.write("{\"name\":" + jsonString(info.info.name) + ",\"codec\":" + jsonString(info.info.getCodec().getName())
                    + ",\"compound\":" + info.info.getUseCompoundFile() + ",\"maxDoc\":" + info.info.maxDoc()
                    + ",\"delCount\":" + info.getDelCount() + ",\"softDelCount\":" + info.getSoftDelCount()
                    + ",\"mode\":" + (mode == null ? "null" : jsonString(mode)) + "}\n");
            }
        }
    }

    /** Finds the SegmentReader under SoftDeletesDirectoryReaderWrapper's filter readers. */
    static LeafReader unwrap(LeafReader reader) {
        while (reader instanceof FilterLeafReader) reader = ((FilterLeafReader) reader).getDelegate();
        while (reader instanceof FilterCodecReader) reader = ((FilterCodecReader) reader).getDelegate();
        return reader;
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
            switch (fieldInfo.getName()) {
                case "_id": id = decodeId(value, 0, value.length); break;
                case "_source": source = new String(value, StandardCharsets.UTF_8); break;
                default: others.put(fieldInfo.getName(), "bytes:" + value.length);
            }
        }

        @Override
        public void stringField(FieldInfo fieldInfo, String value) {
            if (fieldInfo.getName().equals("_routing")) routing = value;
            else others.put(fieldInfo.getName(), "string:" + value);
        }

        @Override
        public void intField(FieldInfo fieldInfo, int value) { others.put(fieldInfo.getName(), "int:" + value); }

        @Override
        public void longField(FieldInfo fieldInfo, long value) { others.put(fieldInfo.getName(), "long:" + value); }

        @Override
        public void floatField(FieldInfo fieldInfo, float value) {
            others.put(fieldInfo.getName(), "float:" + Integer.toUnsignedString(Float.floatToRawIntBits(value)));
        }

        @Override
        public void doubleField(FieldInfo fieldInfo, double value) {
            others.put(fieldInfo.getName(), "double:" + Long.toUnsignedString(Double.doubleToRawLongBits(value)));
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
            if (fieldInfo.getName().equals("_source")) sourceBytes += value.length;
        }

        @Override
        public void stringField(FieldInfo fieldInfo, String value) { fields++; }
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
                + ",\"merge_ms\":" + (t2 - t1) / 1_000_000 + ",\"lucene\":\"" + Version.LATEST + "\"}");
        }
    }

    /** The straightforward loop: the leaf's StoredFields, document(doc) per live document. */
    static long[] readWithDocument(DirectoryReader reader) throws IOException {
        long docs = 0;
        Counter counter = new Counter();
        for (LeafReaderContext context : reader.leaves()) {
            LeafReader leaf = context.reader();
            Bits live = leaf.getLiveDocs();
            StoredFields fields = leaf.storedFields();
            for (int doc = 0; doc < leaf.maxDoc(); doc++) {
                if (live != null && !live.get(doc)) continue;
                fields.document(doc, counter);
                docs++;
            }
        }
        return new long[] {docs, counter.sourceBytes};
    }

    /** Lucene's fastest sequential read: the stored-fields reader's merge instance, as merges use it. */
    static long[] readWithMergeInstance(DirectoryReader reader) throws IOException {
        long docs = 0;
        Counter counter = new Counter();
        for (LeafReaderContext context : reader.leaves()) {
            CodecReader leaf = (CodecReader) context.reader();
            Bits live = leaf.getLiveDocs();
            StoredFieldsReader fields = leaf.getFieldsReader().getMergeInstance();
            for (int doc = 0; doc < leaf.maxDoc(); doc++) {
                if (live != null && !live.get(doc)) continue;
                fields.document(doc, counter);
                docs++;
            }
        }
        return new long[] {docs, counter.sourceBytes};
    }
}
