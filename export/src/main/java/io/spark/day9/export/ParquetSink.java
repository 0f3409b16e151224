package io.spark.day9.export;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * Writes feature rows to one Parquet file with parquet-java (parquet-hadoop's writer over a
 * local {@link OutputFile}, so no Hadoop file system is involved; hadoop-common's jar, without
 * any of its dependencies, is on the class path only because the writer's signatures name its
 * {@code Configuration}, which is never instantiated: the configuration is parquet's plain one
 * and Snappy comes from {@link SnappyCodecs}).
 *
 * <p>Fixed settings, so the same rows give the same bytes: Snappy compression, Parquet 1.0
 * pages, dictionary encoding on (off for the unique order ids), 128 MiB row groups, 1 MiB
 * pages, no bloom filters, one key-value entry ({@code day9.export.formatVersion}); the
 * footer's {@code created_by} is the library's own fixed version string; the footer's encoding
 * lists are put in a canonical order ({@link #canonicalFooter}). Nothing time-dependent is
 * written.
 */
final class ParquetSink {
    /** The Parquet schema, built from {@link Column#ALL}. */
    static final MessageType SCHEMA = schema();
    private static final CompressionCodecName CODEC = CompressionCodecName.SNAPPY;
    private static final int ROW_GROUP_BYTES = 128 << 20;
    private static final int PAGE_BYTES = 1 << 20;

    private ParquetSink() {
    }

    /** The writer as the manifest describes it. */
    static Map<String, Object> describe() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("library", "parquet-java " + org.apache.parquet.Version.VERSION_NUMBER);
        m.put("createdBy", org.apache.parquet.Version.FULL_VERSION);
        m.put("codec", CODEC.name());
        m.put("rowGroupBytes", ROW_GROUP_BYTES);
        m.put("pageBytes", PAGE_BYTES);
        m.put("writerVersion", "PARQUET_1_0");
        return m;
    }

    private static MessageType schema() {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (Column c : Column.ALL) {
            Repetition rep = c.nullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
            switch (c.type()) {
                case STRING -> b.primitive(PrimitiveTypeName.BINARY, rep)
                        .as(LogicalTypeAnnotation.stringType()).named(c.name());
                case LONG -> b.primitive(PrimitiveTypeName.INT64, rep).named(c.name());
                case TIMESTAMP_MS -> b.primitive(PrimitiveTypeName.INT64, rep)
                        .as(LogicalTypeAnnotation.timestampType(true,
                                LogicalTypeAnnotation.TimeUnit.MILLIS)).named(c.name());
                case DOUBLE -> b.primitive(PrimitiveTypeName.DOUBLE, rep).named(c.name());
                default -> throw new IllegalStateException("unknown type " + c.type());
            }
        }
        return b.named("day9_features");
    }

    /** Writes {@code rows} to {@code file} (replacing it), reporting each row written. */
    static void write(Path file, List<FeatureRow> rows, LongConsumer progress)
            throws IOException {
        try (ParquetWriter<FeatureRow> w = new Builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration())
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CODEC)
                .withCodecFactory(new SnappyCodecs())
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .withDictionaryEncoding(true)
                .withDictionaryEncoding("order_id", false) // unique per row: plain is cheaper
                .withDictionaryEncoding("client_order_id", false)
                .withRowGroupSize((long) ROW_GROUP_BYTES)
                .withPageSize(PAGE_BYTES)
                .withValidation(false)
                .build()) {
            int n = 0;
            for (FeatureRow r : rows) {
                w.write(r);
                if (++n == 4096) {
                    progress.accept(n);
                    n = 0;
                }
            }
            progress.accept(n);
        }
        canonicalFooter(file);
    }

    /**
     * Rewrites the footer in place with each column chunk's {@code encodings} list sorted.
     * parquet-java collects a chunk's encodings in a {@code HashSet} of enum constants, whose
     * iteration order follows identity hash codes and so changes from one JVM to the next: the
     * same rows would otherwise give different footer bytes in two runs. Sorting keeps the same
     * elements, so the footer keeps its length and every offset stays valid (checked).
     */
    static void canonicalFooter(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long size = ch.size();
            ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, tail, size - 8);
            int len = tail.getInt(0);
            long start = size - 8 - len;
            ByteBuffer footer = ByteBuffer.allocate(len);
            readFully(ch, footer, start);
            FileMetaData md = Util.readFileMetaData(new ByteArrayInputStream(footer.array()));
            for (RowGroup rg : md.getRow_groups()) {
                for (ColumnChunk cc : rg.getColumns()) {
                    ColumnMetaData m = cc.getMeta_data();
                    if (m != null && m.isSetEncodings()) {
                        List<Encoding> sorted = new ArrayList<>(m.getEncodings());
                        sorted.sort(Comparator.comparingInt(Encoding::getValue));
                        m.setEncodings(sorted);
                    }
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(len);
            Util.writeFileMetaData(md, out);
            if (out.size() != len) {
                throw new IOException("Parquet footer of " + file + " changed size when made "
                        + "canonical. Expected length: " + len + ", actual length: "
                        + out.size());
            }
            ByteBuffer b = ByteBuffer.wrap(out.toByteArray());
            long pos = start;
            while (b.hasRemaining()) {
                pos += ch.write(b, pos);
            }
            ch.force(true);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                throw new IOException("unexpected end of file at " + (pos + b.position()));
            }
        }
    }

    private static final class Builder extends ParquetWriter.Builder<FeatureRow, Builder> {
        Builder(OutputFile file) {
            super(file);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<FeatureRow> getWriteSupport(Configuration conf) {
            return new RowWriteSupport();
        }

        @Override
        protected WriteSupport<FeatureRow> getWriteSupport(ParquetConfiguration conf) {
            return new RowWriteSupport();
        }
    }

    /** Hands a row's fields to the record consumer in schema order, skipping absent ones. */
    private static final class RowWriteSupport extends WriteSupport<FeatureRow> {
        private static final Column[] COLUMNS = Column.ALL.toArray(new Column[0]);
        private RecordConsumer out;

        @Override
        public WriteContext init(Configuration configuration) {
            return context();
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return context();
        }

        private static WriteContext context() {
            return new WriteContext(SCHEMA, Map.of("day9.export.formatVersion",
                    Integer.toString(FeatureExport.FORMAT_VERSION)));
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            this.out = recordConsumer;
        }

        @Override
        public void write(FeatureRow r) {
            out.startMessage();
            for (int i = 0; i < COLUMNS.length; i++) {
                Column c = COLUMNS[i];
                switch (c.type()) {
                    case STRING -> {
                        String v = r.strings[c.slot()];
                        if (v != null) {
                            out.startField(c.name(), i);
                            // the same UTF-8 bytes as Binary.fromString, without its
                            // per-value CharsetEncoder and ByteBuffer
                            out.addBinary(Binary.fromConstantByteArray(
                                    v.getBytes(StandardCharsets.UTF_8)));
                            out.endField(c.name(), i);
                        }
                    }
                    case LONG, TIMESTAMP_MS -> {
                        long v = r.longs[c.slot()];
                        if (v != FeatureRow.NO_LONG) {
                            out.startField(c.name(), i);
                            out.addLong(v);
                            out.endField(c.name(), i);
                        }
                    }
                    case DOUBLE -> {
                        double v = r.doubles[c.slot()];
                        if (!Double.isNaN(v)) {
                            out.startField(c.name(), i);
                            out.addDouble(v);
                            out.endField(c.name(), i);
                        }
                    }
                    default -> throw new IllegalStateException("unknown type " + c.type());
                }
            }
            out.endMessage();
        }
    }
}
