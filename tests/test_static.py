"""Static files go out compressed: the web app's build (WhiteNoise from FRONTEND_DIST, index.html
from core/spa.py) and Django's own (collectstatic with the compressed manifest storage), and the
real robots.txt is served as text, not the app."""

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = (
    'import("./scripts/compress.mjs").then(m => console.log(JSON.stringify(m.compressDir(process.argv[1]))))'
)
JS = b"export const total = (xs) => xs.reduce((a, b) => a + b, 0);\n" * 40


@pytest.fixture
def dist(settings, tmp_path):
    """A tiny build: a hashed script with its .br and .gz siblings, index.html, the real robots.txt."""
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "assets" / "index-B1x_3kQz.js").write_bytes(JS)
    (root / "assets" / "index-B1x_3kQz.js.gz").write_bytes(gzip.compress(JS))
    # WhiteNoise only checks that the sibling exists; the bytes stand for a Brotli body.
    (root / "assets" / "index-B1x_3kQz.js.br").write_bytes(b"brotli-body")
    html = b"<!doctype html><html><head><title>KAVI</title></head><body><div id=root></div></body></html>"
    (root / "index.html").write_bytes(html)
    (root / "index.html.gz").write_bytes(gzip.compress(html))
    shutil.copy(ROOT / "frontend" / "public" / "robots.txt", root / "robots.txt")
    settings.FRONTEND_DIST = root
    settings.WHITENOISE_ROOT = root
    return root


def fresh_client() -> Client:
    # WhiteNoise reads its roots when the middleware is built, i.e. on a client's first request.
    return Client()


def test_the_build_script_is_sent_as_brotli_or_gzip_as_the_browser_accepts(dist):
    client = fresh_client()
    brotli = client.get("/assets/index-B1x_3kQz.js", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert brotli.status_code == 200
    assert brotli["Content-Encoding"] == "br"
    assert b"".join(brotli.streaming_content) == b"brotli-body"
    assert "Accept-Encoding" in brotli["Vary"]
    assert brotli["Content-Type"].startswith("text/javascript")
    assert "immutable" in brotli["Cache-Control"]

    gzipped = client.get("/assets/index-B1x_3kQz.js", HTTP_ACCEPT_ENCODING="gzip")
    assert gzipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(gzipped.streaming_content)) == JS

    # Not hashed, so only revalidated: robots.txt can change under the same name.
    assert "immutable" not in client.get("/robots.txt")["Cache-Control"]

    plain = client.get("/assets/index-B1x_3kQz.js")
    assert "Content-Encoding" not in plain
    assert b"".join(plain.streaming_content) == JS
    assert "Accept-Encoding" in plain["Vary"]


def test_index_html_is_sent_compressed_for_every_client_route(dist):
    client = fresh_client()
    for path in ("/", "/dashboard", "/invoices/42"):
        response = client.get(path, HTTP_ACCEPT_ENCODING="gzip, br")
        assert response.status_code == 200
        # No index.html.br in this build, so gzip is the best there is.
        assert response["Content-Encoding"] == "gzip"
        assert b"id=root" in gzip.decompress(response.content)
        assert "Accept-Encoding" in response["Vary"]
        assert response["Cache-Control"] == "no-cache"
    plain = client.get("/dashboard")
    assert "Content-Encoding" not in plain
    assert b"id=root" in plain.content
    refused = client.get("/dashboard", HTTP_ACCEPT_ENCODING="gzip;q=0, identity")
    assert "Content-Encoding" not in refused


def test_a_stale_compressed_index_is_not_served(dist):
    import os

    index = dist / "index.html"
    stat = index.stat()
    os.utime(dist / "index.html.gz", (stat.st_atime - 60, stat.st_mtime - 60))
    response = fresh_client().get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in response
    assert b"id=root" in response.content


def test_robots_txt_is_real_text_that_keeps_crawlers_out_of_the_api_and_admin(dist):
    response = fresh_client().get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = b"".join(response.streaming_content).decode()
    assert "<html" not in body.lower()
    rules = [line.split(":", 1) for line in body.splitlines() if line and not line.startswith("#")]
    rules = [(key.strip().lower(), value.strip()) for key, value in rules]
    assert ("user-agent", "*") in rules
    assert ("disallow", "/api/") in rules
    assert ("disallow", "/admin/") in rules
    assert ("allow", "/") in rules


def test_a_file_the_build_lacks_is_a_404_not_the_app(dist):
    client = fresh_client()
    for path in ("/favicon.ico", "/assets/gone-123.js", "/nothing.txt"):
        assert client.get(path).status_code == 404, path
    (dist / "robots.txt").unlink()
    assert fresh_client().get("/robots.txt").status_code == 404


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="needs Node.js")
def test_the_build_step_writes_smaller_br_and_gz_siblings_for_text_only(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_bytes(JS)
    (tmp_path / "assets" / "app.css").write_bytes(b"body { color: #047857; }\n" * 50)
    (tmp_path / "manifest.webmanifest").write_bytes(b'{"name": "KAVI", "short_name": "KAVI"}' * 20)
    (tmp_path / "tiny.js").write_bytes(b"1")
    (tmp_path / "icon.png").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "assets" / "app.js.br").write_bytes(b"stale")
    subprocess.run(
        [str(NODE), "-e", SCRIPT, str(tmp_path)],
        cwd=ROOT / "frontend",
        check=True,
        capture_output=True,
        timeout=60,
    )
    for name in ("assets/app.js", "assets/app.css", "manifest.webmanifest"):
        original = (tmp_path / name).read_bytes()
        assert gzip.decompress((tmp_path / f"{name}.gz").read_bytes()) == original
        assert len((tmp_path / f"{name}.br").read_bytes()) < len(original)
    assert (tmp_path / "assets" / "app.js.br").read_bytes() != b"stale"
    assert not (tmp_path / "tiny.js.br").exists()
    assert not (tmp_path / "icon.png.gz").exists()


def test_collectstatic_writes_hashed_compressed_files_that_admin_and_docs_pages_use(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (settings.STATIC_ROOT / "staticfiles.json").is_file()
    client = fresh_client()
    admin = client.get("/admin/login/")
    assert admin.status_code == 200
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    for page in (admin, docs):
        html = page.content.decode()
        css = [
            part.split('"')[0] for part in html.split('href="/static/')[1:] if ".css" in part.split('"')[0]
        ]
        assert css, "the page links no stylesheet"
        for name in css:
            # Hashed by the manifest storage, so WhiteNoise can cache it for ever.
            assert len(Path(name).suffixes) >= 2, name
            response = client.get(f"/static/{name}", HTTP_ACCEPT_ENCODING="gzip")
            assert response.status_code == 200, name
            assert response["Content-Encoding"] == "gzip", name
            assert (
                "immutable" in response["Cache-Control"] or "max-age=315360000" in response["Cache-Control"]
            )
