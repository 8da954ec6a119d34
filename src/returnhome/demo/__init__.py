"""Synthetic demo data: the `demo-data` command and the synthetic police files the benchmarks and
tests use. Nothing in the product imports this app.

The demo is built stage by stage (one module each): `pools` and `texts` (what people and records
are made of), `setup` (organisations, users, services), `children`, `episodes`, `rhis`,
`interviews` (with the review and the actions), `queue` (last night's police file, so the front
door has work). `builder` runs them in order from one seeded random source; `records` finds and
removes what a build made. A child's episodes and the steps of its RHIs are written directly, row
for row as the services write them (`direct`, `direct_episodes`, `steps`; decision 0043), unless
`demo-data --through-services`.
"""
