package io.spark.day9.queue;

/**
 * What {@link JobQueue#enqueue} did.
 *
 * @param id the job's id: a new one, or the original job's id on a dedup hit. Ids are unique
 *     among the jobs a queue holds, but an id may come back after the journal lost its tail
 *     (see {@code key})
 * @param duplicate true when the dedup key matched a pending job and no new job was created
 * @param key the job's key, unique for good: 128 random bits as a UUID string, written with
 *     the job and never reused, even when a numeric id is (the original job's key on a dedup
 *     hit; null only for a job stored before keys existed)
 */
public record EnqueueResult(long id, boolean duplicate, String key) {
    /** A result without a key (a job stored before keys existed). */
    public EnqueueResult(long id, boolean duplicate) {
        this(id, duplicate, null);
    }
}
