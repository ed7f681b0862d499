"""Publishes foreign and malformed messages with real pika, as a Python service would.

Usage: publish_foreign.py <amqp-uri> <exchange> <task-queue>
Used by RabbitMqPikaTest; prints one line per message published.
"""
import sys

import pika


def main():
    uri, exchange, task_queue = sys.argv[1], sys.argv[2], sys.argv[3]
    connection = pika.BlockingConnection(pika.URLParameters(uri))
    channel = connection.channel()
    channel.confirm_delivery()

    def publish(routing_key, body, properties, ex=exchange):
        channel.basic_publish(ex, routing_key, body, properties, mandatory=True)
        print("published", routing_key, flush=True)

    # 1. a plain message: no message_id, no type, no CloudEvents headers (pika's defaults)
    publish("pika.plain", b'{"n":1}', pika.BasicProperties())
    # 2. a CloudEvent with a spec version nobody knows
    publish(
        "pika.spec",
        b"{}",
        pika.BasicProperties(
            headers={
                "cloudEvents_specversion": "9.9",
                "cloudEvents_id": "pika-spec",
                "cloudEvents_source": "/pika",
                "cloudEvents_type": "pika.spec",
            }
        ),
    )
    # 3. a CloudEvent whose time is no timestamp
    publish(
        "pika.time",
        b"{}",
        pika.BasicProperties(
            headers={
                "cloudEvents_specversion": "1.0",
                "cloudEvents_id": "pika-time",
                "cloudEvents_source": "/pika",
                "cloudEvents_type": "pika.time",
                "cloudEvents_time": "not a time",
            }
        ),
    )
    # 4. a message on a task queue that is no Warren task
    publish(task_queue, b"hello, worker", pika.BasicProperties(), ex="")
    connection.close()


if __name__ == "__main__":
    main()
