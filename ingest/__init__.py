"""Ingest: the xAPI LRS endpoint, its outbox relay to Kafka, and the sink from Kafka into the lake."""
