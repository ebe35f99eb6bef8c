"""infra/upload_web.py puts the web build into S3 (moto) compressed, typed and cached as CloudFront
should serve it: text gzip-encoded with Content-Encoding, hashed assets immutable, the shell never
cached and uploaded last."""

import gzip
import importlib.util
import sys

import boto3
import pytest
from moto import mock_aws

from . import cfn

_spec = importlib.util.spec_from_file_location("upload_web", cfn.ROOT / "infra" / "upload_web.py")
assert _spec and _spec.loader
upload_web = importlib.util.module_from_spec(_spec)
sys.modules["upload_web"] = upload_web
_spec.loader.exec_module(upload_web)

BUCKET = "kavi-production-static-123456789012"
JS = b"export function total(xs){return xs.reduce((a,b)=>a+b,0)}\n" * 50
CSS = b".card{border-radius:.5rem;color:#065f46}\n" * 50
HTML = (
    b"<!doctype html><html lang=en><head><title>KAVI</title></head><body><div id=root></div></body></html>"
    * 5
)
PNG = bytes(range(256)) * 4


@pytest.fixture
def dist(tmp_path):
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "icons").mkdir()
    files = {
        "assets/index-B1x_3kQz.js": JS,
        "assets/index-C2y_4lRa.css": CSS,
        "index.html": HTML,
        "sw.js": b"self.addEventListener('fetch', () => {});\n" * 20,
        "manifest.webmanifest": b'{"name": "KAVI", "short_name": "KAVI", "display": "standalone"}' * 10,
        "robots.txt": b"User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /admin/\n" * 10,
        "icons/favicon.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'
        * 10,
        "icons/icon-192.png": PNG,
    }
    for name, body in files.items():
        (root / name).write_bytes(body)
    # The build's own gzip sibling is used as it is; its Brotli sibling is not an object.
    (root / "assets" / "index-B1x_3kQz.js.gz").write_bytes(gzip.compress(JS, mtime=0))
    (root / "assets" / "index-B1x_3kQz.js.br").write_bytes(b"brotli")
    return root


@pytest.fixture
def s3(monkeypatch):
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-1")
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        yield client


def _object(s3, key):
    obj = s3.get_object(Bucket=BUCKET, Key=key)
    return obj, obj["Body"].read()


def test_text_goes_up_gzip_encoded_with_its_real_type(s3, dist):
    assert upload_web.main(["--bucket", BUCKET, "--dist", str(dist)]) == 0
    expected = {
        "assets/index-B1x_3kQz.js": ("text/javascript; charset=utf-8", JS),
        "assets/index-C2y_4lRa.css": ("text/css; charset=utf-8", CSS),
        "index.html": ("text/html; charset=utf-8", HTML),
        "manifest.webmanifest": ("application/manifest+json", (dist / "manifest.webmanifest").read_bytes()),
        "robots.txt": ("text/plain; charset=utf-8", (dist / "robots.txt").read_bytes()),
        "icons/favicon.svg": ("image/svg+xml", (dist / "icons/favicon.svg").read_bytes()),
    }
    for key, (content_type, original) in expected.items():
        obj, body = _object(s3, key)
        assert obj["ContentType"] == content_type, key
        assert obj["ContentEncoding"] == "gzip", key
        assert gzip.decompress(body) == original, key
        assert len(body) < len(original), key
    png, body = _object(s3, "icons/icon-192.png")
    assert png["ContentType"] == "image/png"
    assert "ContentEncoding" not in png
    assert body == PNG
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert not {k for k in keys if k.endswith((".br", ".gz"))}, "siblings are not objects of their own"


def test_hashed_assets_are_immutable_and_the_shell_is_never_cached(s3, dist):
    list(upload_web.upload(s3, BUCKET, dist, log=lambda _: None))
    cache = {
        key: s3.head_object(Bucket=BUCKET, Key=key)["CacheControl"]
        for key in ("assets/index-B1x_3kQz.js", "index.html", "sw.js", "manifest.webmanifest", "robots.txt")
    }
    assert cache["assets/index-B1x_3kQz.js"] == "public, max-age=31536000, immutable"
    assert cache["index.html"] == cache["sw.js"] == "no-cache"
    assert "immutable" not in cache["manifest.webmanifest"]
    assert "must-revalidate" in cache["robots.txt"]


def test_assets_go_first_and_index_html_last_and_known_assets_are_not_sent_again(s3, dist):
    first = [u.key for u in upload_web.upload(s3, BUCKET, dist, log=lambda _: None)]
    assert first[:2] == ["assets/index-B1x_3kQz.js", "assets/index-C2y_4lRa.css"]
    assert first[-2:] == ["sw.js", "index.html"]
    (dist / "assets" / "index-D3z_5mSb.js").write_bytes(JS + b"// next build\n")
    again = [u.key for u in upload_web.upload(s3, BUCKET, dist, log=lambda _: None)]
    assert "assets/index-B1x_3kQz.js" not in again
    assert again[0] == "assets/index-D3z_5mSb.js"
    assert again[-1] == "index.html"


def test_a_missing_build_stops_before_any_upload(s3, tmp_path):
    with pytest.raises(SystemExit, match=r"index\.html is missing"):
        list(upload_web.upload(s3, BUCKET, tmp_path, log=lambda _: None))
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)
