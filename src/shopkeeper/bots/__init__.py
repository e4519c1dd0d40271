"""Bots: the adapters through which customers reach a shop on a messaging platform.

`bots.telegram` runs every shop's Telegram bots on one aiogram Dispatcher (webhooks and long
polling), keeps the Telegram side of customers (telegram_user) and sends messages within the
platform's limits. An adapter layer: it calls context services through their public
`__init__`; no context imports it.
"""
