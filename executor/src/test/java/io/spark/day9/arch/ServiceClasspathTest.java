package io.spark.day9.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The service's class path (what day9.jar is shaded from) holds none of the offline export's
 * libraries: Parquet, Hadoop, the progress bar and DuckDB live in the {@code export} module, and
 * the benchmarks' peers in {@code bench}. A dependency added to the executor by mistake fails
 * here.
 */
class ServiceClasspathTest {

    @Test
    void exportAndBenchLibrariesNeverReachTheServiceJar() {
        List<String> absent = List.of("org.apache.parquet.hadoop.ParquetWriter",
                "org.apache.parquet.column.ColumnWriter", "org.apache.hadoop.conf.Configuration",
                "me.tongfei.progressbar.ProgressBar", "org.duckdb.DuckDBDriver",
                "io.spark.day9.export.FeatureExport", "com.squareup.tape2.QueueFile",
                "net.openhft.chronicle.queue.ChronicleQueue");
        for (String name : absent) {
            assertThat(loadable(name)).as(name).isFalse();
        }
        assertThat(loadable("io.spark.day9.tape.MarketTape")).isTrue(); // the check can fail
    }

    private static boolean loadable(String name) {
        try {
            Class.forName(name, false, ServiceClasspathTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
