"""Custom Rasa input/output channels of the breast-milk immunity assistant.

This package owns the messaging channels that Rasa 3.6's built-in channels do not cover
safely, and nothing else (no answer text, no dialogue logic):

* ``channels.whatsapp.WhatsAppInput`` (name ``whatsapp``, webhook
  ``/webhooks/whatsapp/webhook``): Twilio WhatsApp for nurses and other professionals.
  Verifies ``X-Twilio-Signature``, de-duplicates Twilio retries, answers the webhook at once
  with empty TwiML and sends the replies through Twilio's Messages API (aiohttp, retries with
  backoff, long replies split at sentence boundaries, buttons as numbered options), honours
  STOP/START, and tags every user message with ``{"channel": "whatsapp", "audience": ...}``.
* ``channels.whatsapp_text``: pure text helpers (splitting, numbered options, keyword parsing).
* ``channels.whatsapp_stores``: the TTL dedupe/button memory (in memory or Redis) and the
  SQLite opt-out list.

Channels are enabled by a block in ``credentials.yml`` whose key is the class path, e.g.
``channels.whatsapp.WhatsAppInput:``. Secrets come from environment variables (``${VAR}``).
See ``channels/README.md`` for connecting a Twilio WhatsApp sandbox number.
"""
