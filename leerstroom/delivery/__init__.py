"""Sending what Leerstroom writes for people (the monthly briefing, alerts) by e-mail and webhook, exactly once per
recipient as far as a restart can tell, with retries that back off and show on the health page.

`recipients` reads who gets what, `channels` sends (SMTP, HTTP webhooks), `store` keeps every
attempt and every alert in the lake's meta schema (lake migration 6). The command line's
`leerstroom deliver` decides what is owed and when (leerstroom/cli/deliver.py).
"""
