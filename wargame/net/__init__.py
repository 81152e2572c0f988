"""Networked seminar play: one server applies every input; each seat connects over a WebSocket.

protocol  the msgpack frames and their limits
redact    the state a remote bot may be sent
store     SQLite: rooms, hashed seat codes, the input log
room      one game on the server: applies inputs, what each seat is sent, the phase timer
server    the Starlette app (`wargame serve`)
client    `connect(url, code)`: a seat, the umpire desk or the projector over the network
bot       a bot playing a seat through the client (`wargame bot --join`)
"""
