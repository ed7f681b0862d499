/**
 * Celery's message protocol 2 on Warren's task queues: reading Celery's task messages for Warren's
 * workers ({@link dev.warren.internal.tasks.celery.CeleryMessage}), writing outcomes where Celery's
 * {@code AsyncResult} reads them and following chains ({@link
 * dev.warren.internal.tasks.celery.CeleryBridge}), Celery's revokes ({@link
 * dev.warren.internal.tasks.celery.CeleryControl}), and sending tasks to Celery workers.
 */
package dev.warren.internal.tasks.celery;
