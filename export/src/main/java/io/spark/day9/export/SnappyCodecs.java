package io.spark.day9.export;

import java.io.IOException;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Parquet's SNAPPY codec (the raw Snappy block format the Parquet spec names) straight over
 * snappy-java, which parquet-hadoop already depends on. parquet-hadoop's own codec factory
 * builds a Hadoop {@code Configuration} to look codecs up, and that would pull Hadoop's XML
 * and logging stacks onto the class path; this factory needs none of them. The writer only
 * compresses, so decompression is refused.
 */
final class SnappyCodecs implements CompressionCodecFactory {

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
        if (codecName != CompressionCodecName.SNAPPY) {
            throw new IllegalArgumentException("only SNAPPY is configured, got " + codecName);
        }
        return new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput bytes) throws IOException {
                return BytesInput.from(Snappy.compress(bytes.toByteArray()));
            }

            @Override
            public CompressionCodecName getCodecName() {
                return CompressionCodecName.SNAPPY;
            }

            @Override
            public void release() {
            }
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
        throw new UnsupportedOperationException("the export only writes Parquet");
    }

    @Override
    public void release() {
    }
}
