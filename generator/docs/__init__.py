"""The API reference site, built from the same model as the client.

`python -m generator.docs SPEC SITE_DIR` writes a static site: `index.html` (one page:
a guide, every operation with runnable code samples, every model), its stylesheet and
script, and `openapi.json`, the bundled document with `x-codeSamples` on every
operation. See README.md in this directory for how the samples are chosen.
"""

from .site import SiteResult, build_site

__all__ = ["SiteResult", "build_site"]
