/**
 * A Python FastAPI service that submits Celery tasks, and a Java Warren worker that runs them (seed
 * 004): see {@link dev.warren.examples.celery.ImageRenderWorker} and {@code
 * warren-examples/fastapi-celery/app.py}.
 */
package dev.warren.examples.celery;
