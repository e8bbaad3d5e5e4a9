"""The service's HTML pages: the public verification page of a signed letter's QR code
(no login) and the staff console. Server-rendered Jinja2 templates and one stylesheet,
all shipped in the package (no CDN); every page works with JavaScript off.

One module per job: :mod:`.catatan` (what is recorded at signing), :mod:`.batas` (rate
limit per client), :mod:`.cocok` (comparing an uploaded PDF), :mod:`.publik` (the
public routes), :mod:`.tampilan` (templates and the headers every page carries).
"""

from __future__ import annotations
