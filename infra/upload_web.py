"""Uploads the web app's build to the static S3 bucket that CloudFront serves, compressed.

    python infra/upload_web.py --bucket kavi-production-static-123456789012 --dist frontend/dist

Each text file (JavaScript, CSS, HTML, SVG, the manifest, robots.txt) is stored gzip-encoded with
`Content-Encoding: gzip` and its real Content-Type. CloudFront hands an S3 object to every viewer
as it is stored and never decodes it, so the stored encoding must be one every client reads:
gzip, not Brotli. The build's .gz sibling (scripts/compress.mjs) is used when there is one.

Order and caching: hashed assets first, cached for a year (immutable; ones already in the bucket
are skipped, their names change with their content); then the other files, revalidated hourly;
sw.js and index.html last and never cached, so no visitor gets an index.html whose assets aren't
there yet. Old assets stay for tabs still open on the previous build.
"""

from __future__ import annotations

import argparse
import gzip
import mimetypes
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COMPRESSIBLE = {".js", ".mjs", ".css", ".html", ".svg", ".json", ".webmanifest", ".txt", ".xml", ".map"}
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".map": "application/json",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=3600, must-revalidate"
NO_CACHE = "no-cache"
LAST = ("sw.js", "index.html")


@dataclass(frozen=True)
class Upload:
    key: str
    body: bytes
    content_type: str
    cache_control: str
    content_encoding: str | None


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def plan(dist: Path) -> list[Upload]:
    """What goes up, in order: hashed assets, then the rest, then sw.js and index.html."""
    if not (dist / "index.html").is_file():
        raise SystemExit(f"{dist}/index.html is missing: build the web app first")
    first: list[Upload] = []
    middle: list[Upload] = []
    last: list[Upload] = []
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        # The build's own .br/.gz siblings are sources for the encoding, not objects of their own.
        if path.suffix in {".br", ".gz"} and path.with_suffix("").is_file():
            continue
        key = path.relative_to(dist).as_posix()
        body, encoding = path.read_bytes(), None
        if path.suffix in COMPRESSIBLE:
            sibling = path.with_name(path.name + ".gz")
            if sibling.is_file():
                gzipped = sibling.read_bytes()
            else:
                gzipped = gzip.compress(body, compresslevel=9, mtime=0)
            if len(gzipped) < len(body):
                body, encoding = gzipped, "gzip"
        if key.startswith("assets/"):
            first.append(Upload(key, body, content_type(path), IMMUTABLE, encoding))
        elif key in LAST:
            last.append(Upload(key, body, content_type(path), NO_CACHE, encoding))
        else:
            middle.append(Upload(key, body, content_type(path), REVALIDATE, encoding))
    last.sort(key=lambda u: LAST.index(u.key))
    return first + middle + last


def _exists(s3: Any, bucket: str, key: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except s3.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return False
        raise
    return True


def upload(s3: Any, bucket: str, dist: Path, log: Any = print) -> Iterator[Upload]:
    """Puts each planned file into the bucket; yields the ones it sent."""
    for item in plan(dist):
        if item.cache_control == IMMUTABLE and _exists(s3, bucket, item.key):
            continue
        extra = {"ContentEncoding": item.content_encoding} if item.content_encoding else {}
        s3.put_object(
            Bucket=bucket,
            Key=item.key,
            Body=item.body,
            ContentType=item.content_type,
            CacheControl=item.cache_control,
            **extra,
        )
        encoded = ", gzip" if item.content_encoding else ""
        log(f"  {item.key} ({item.content_type}{encoded}; {item.cache_control})")
        yield item


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--dist", type=Path, default=Path("frontend/dist"))
    args = parser.parse_args(argv)
    import boto3  # only here: the tests import this module without credentials

    sent = list(upload(boto3.client("s3"), args.bucket, args.dist))
    print(f"Uploaded {len(sent)} files to s3://{args.bucket}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
