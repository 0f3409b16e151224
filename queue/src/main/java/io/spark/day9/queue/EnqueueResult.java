package io.spark.day9.queue;

/**
 * What {@link JobQueue#enqueue} did.
 *
 * @param id the job's id: a new one, or the original job's id on a dedup hit
 * @param duplicate true when the dedup key matched a pending job and no new job was created
 */
public record EnqueueResult(long id, boolean duplicate) {
}
