"""Synthetic demo data: the `demo-data` command and the synthetic police files the benchmarks and
tests use. Nothing in the product imports this app.

The demo is built stage by stage (one module each): `pools` and `texts` (what people and records
are made of), `setup` (organisations, users, services), `children`, `episodes`, `rhis`,
`interviews` (with the review and the actions), `queue` (last night's police file, so the front
door has work). `builder` runs them in order from one seeded random source; `records` finds and
removes what a build made.
"""
