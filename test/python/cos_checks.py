"""cos-python-sdk-v5 against the local COS server, as a user would use it.

Environment: COS_PORT, COS_BUCKET, COS_REGION, COS_SECRET_ID, COS_SECRET_KEY, COS_TEMP_SECRET_ID,
COS_TEMP_SECRET_KEY, COS_TEMP_TOKEN, COS_WORK_DIR, and COS_STYLE: "virtual" (IP and Port options, the
virtual-host Host header signed) or "path" (Domain "127.0.0.1:PORT/<bucket>", the Host 127.0.0.1 signed
without its port). Every check compares what comes back with what was written.
"""
import hashlib
import os
import sys
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import requests
from qcloud_cos import CosConfig, CosS3Client
from qcloud_cos.cos_auth import CosS3Auth
from qcloud_cos.cos_exception import CosServiceError

from harness import Checks, expect_equal, expect_error

PORT = int(os.environ["COS_PORT"])
BUCKET = os.environ["COS_BUCKET"]
REGION = os.environ["COS_REGION"]
SECRET_ID = os.environ["COS_SECRET_ID"]
SECRET_KEY = os.environ["COS_SECRET_KEY"]
STYLE = os.environ["COS_STYLE"]
WORK = os.environ["COS_WORK_DIR"]
MiB = 1024 * 1024
BIG = 40 * MiB

checks = Checks(["cos-python-sdk-v5"])


def config(bucket=BUCKET, **options):
    credentials = {"SecretId": SECRET_ID, "SecretKey": SECRET_KEY}
    credentials.update(options)
    if STYLE == "virtual":
        return CosConfig(Region=REGION, Scheme="http", IP="127.0.0.1", Port=PORT, **credentials)
    return CosConfig(Region=REGION, Scheme="http", Domain="127.0.0.1:%d/%s" % (PORT, bucket), **credentials)


def client(bucket=BUCKET, **options):
    return CosS3Client(config(bucket, **options))


cos = client()


def pattern(size, seed):
    """Deterministic bytes that differ at every offset of a part, so a misplaced range is seen."""
    block = hashlib.sha256(str(seed).encode()).digest() * 2048
    return (block * (size // len(block) + 1))[:size]


def read(key, **kwargs):
    return cos.get_object(Bucket=BUCKET, Key=key, **kwargs)["Body"].get_raw_stream().read()


def md5_file(path):
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(MiB), b""):
            digest.update(chunk)
    return digest.hexdigest()


def big_file():
    path = os.path.join(WORK, "big-40MiB.bin")
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(os.urandom(BIG))
    return path


def all_keys(prefix, **kwargs):
    keys, marker = [], ""
    while True:
        page = cos.list_objects(Bucket=BUCKET, Prefix=prefix, Marker=marker, **kwargs)
        keys += [c["Key"] for c in page.get("Contents", [])]
        if page["IsTruncated"] != "true":
            return keys
        marker = page["NextMarker"]


# Uploads and reads ---------------------------------------------------------------------------------


@checks.check("put_object bytes, get_object and head_object give them back with their MD5 ETag")
def put_get_bytes():
    body = pattern(300_000, 1)
    put = cos.put_object(Bucket=BUCKET, Key="py/bytes.bin", Body=body)
    expect_equal(put["ETag"], '"%s"' % hashlib.md5(body).hexdigest(), "PUT ETag")
    expect_equal(read("py/bytes.bin"), body, "bytes read back")
    head = cos.head_object(Bucket=BUCKET, Key="py/bytes.bin")
    expect_equal((head["Content-Length"], head["ETag"]), (str(len(body)), put["ETag"]), "HEAD length and ETag")


@checks.check("put_object streams a file with Content-MD5 (EnableMD5)")
def put_file_md5():
    path = os.path.join(WORK, "small.bin")
    with open(path, "wb") as f:
        f.write(pattern(2 * MiB + 3, 2))
    with open(path, "rb") as f:
        cos.put_object(Bucket=BUCKET, Key="py/file.bin", Body=f, EnableMD5=True)
    with open(path, "rb") as f:
        expect_equal(read("py/file.bin"), f.read(), "bytes read back")


@checks.check("keys with spaces, unicode, '+' and a literal %41 are stored and listed unchanged")
def odd_keys():
    keys = ["py/odd/a b.txt", "py/odd/中文.txt", "py/odd/1+1=2.txt", "py/odd/100%41.txt"]
    for i, key in enumerate(keys):
        cos.put_object(Bucket=BUCKET, Key=key, Body=("body %d" % i).encode())
    for i, key in enumerate(keys):
        expect_equal(read(key), ("body %d" % i).encode(), "bytes of %r" % key)
    expect_equal(sorted(all_keys("py/odd/")), sorted(keys), "listed keys")


@checks.check("metadata, content type, standard headers and storage class come back from HEAD and GET")
def metadata():
    cos.put_object(
        Bucket=BUCKET,
        Key="py/meta.txt",
        Body=b"meta",
        ContentType="text/plain; charset=utf-8",
        CacheControl="max-age=60",
        ContentDisposition="attachment; filename=meta.txt",
        StorageClass="STANDARD_IA",
        Metadata={"x-cos-meta-start-offset": "42", "x-cos-meta-partition": "7"},
    )
    head = cos.head_object(Bucket=BUCKET, Key="py/meta.txt")
    expected = {
        "Content-Type": "text/plain; charset=utf-8",
        "Cache-Control": "max-age=60",
        "Content-Disposition": "attachment; filename=meta.txt",
        "x-cos-storage-class": "STANDARD_IA",
        "x-cos-meta-start-offset": "42",
        "x-cos-meta-partition": "7",
    }
    expect_equal({k: head.get(k) for k in expected}, expected, "HEAD headers")
    got = cos.get_object(Bucket=BUCKET, Key="py/meta.txt", ResponseContentType="application/x-override")
    expect_equal((got["Content-Type"], got["x-cos-meta-partition"]), ("application/x-override", "7"), "GET headers with response-content-type")


@checks.check("x-cos-forbid-overwrite refuses a second PUT with 409 FileAlreadyExists and keeps the first bytes")
def forbid_overwrite():
    guard = {"x-cos-forbid-overwrite": "true"}
    cos.put_object(Bucket=BUCKET, Key="py/once.txt", Body=b"first", Metadata=guard)
    expect_error(lambda: cos.put_object(Bucket=BUCKET, Key="py/once.txt", Body=b"second", Metadata=guard), 409, "FileAlreadyExists", "second PUT")
    expect_equal(read("py/once.txt"), b"first", "bytes after the refused PUT")
    cos.put_object(Bucket=BUCKET, Key="py/once.txt", Body=b"third")
    expect_equal(read("py/once.txt"), b"third", "bytes after a plain PUT")


@checks.check("range reads: a middle range, an open range, a suffix, and 416 InvalidRange past the end")
def ranges():
    body = pattern(10_000, 3)
    cos.put_object(Bucket=BUCKET, Key="py/range.bin", Body=body)
    expect_equal(read("py/range.bin", Range="bytes=100-199"), body[100:200], "bytes=100-199")
    expect_equal(read("py/range.bin", Range="bytes=9990-"), body[9990:], "bytes=9990-")
    expect_equal(read("py/range.bin", Range="bytes=-7"), body[-7:], "bytes=-7")
    expect_error(lambda: read("py/range.bin", Range="bytes=20000-20010"), 416, "InvalidRange", "range past the end")


@checks.check("object_exists, delete_object, then 404 NoSuchKey")
def delete_one():
    cos.put_object(Bucket=BUCKET, Key="py/delete-me.txt", Body=b"x")
    expect_equal(cos.object_exists(Bucket=BUCKET, Key="py/delete-me.txt"), True, "exists before delete")
    cos.delete_object(Bucket=BUCKET, Key="py/delete-me.txt")
    expect_equal(cos.object_exists(Bucket=BUCKET, Key="py/delete-me.txt"), False, "exists after delete")
    expect_error(lambda: read("py/delete-me.txt"), 404, "NoSuchKey", "GET after delete")


# Multipart -----------------------------------------------------------------------------------------


@checks.check("upload_file of a 40 MiB file (1 MiB parts, 5 threads) and download_file give the same bytes")
def upload_download_big():
    path = big_file()
    done = cos.upload_file(Bucket=BUCKET, Key="py/big.bin", LocalFilePath=path, PartSize=1, MAXThread=5)
    if not done["ETag"].strip('"').endswith("-40"):
        raise AssertionError("multipart ETag should end in -40, got %s" % done["ETag"])
    expect_equal(cos.head_object(Bucket=BUCKET, Key="py/big.bin")["Content-Length"], str(BIG), "stored size")
    target = os.path.join(WORK, "big-downloaded.bin")
    cos.download_file(Bucket=BUCKET, Key="py/big.bin", DestFilePath=target, PartSize=4, MAXThread=5)
    expect_equal(md5_file(target), md5_file(path), "MD5 of the downloaded file")
    return {"etag": done["ETag"]}


@checks.check("upload_file resumes an upload left in progress (list_multipart_uploads, then list_parts page by page)")
def upload_resume():
    path = os.path.join(WORK, "resume.bin")
    body = pattern(5 * MiB + 123, 4)
    with open(path, "wb") as f:
        f.write(body)
    upload_id = cos.create_multipart_upload(Bucket=BUCKET, Key="py/resume.bin")["UploadId"]
    for n in (1, 2):
        cos.upload_part(Bucket=BUCKET, Key="py/resume.bin", Body=body[(n - 1) * MiB : n * MiB], PartNumber=n, UploadId=upload_id)
    cos.upload_file(Bucket=BUCKET, Key="py/resume.bin", LocalFilePath=path, PartSize=1, MAXThread=2)
    expect_equal(read("py/resume.bin"), body, "bytes of the resumed upload")
    left = cos.list_multipart_uploads(Bucket=BUCKET, Prefix="py/resume.bin").get("Upload", [])
    expect_equal([u["UploadId"] for u in left], [], "uploads left (the interrupted one was completed, not abandoned)")


@checks.check("manual multipart: create, upload_part x3, list_parts paged by 2, complete, read back")
def manual_multipart():
    key = "py/manual.bin"
    parts = [pattern(MiB, 5), pattern(MiB, 6), pattern(4321, 7)]
    upload_id = cos.create_multipart_upload(Bucket=BUCKET, Key=key, Metadata={"x-cos-meta-kind": "manual"})["UploadId"]
    etags = [cos.upload_part(Bucket=BUCKET, Key=key, Body=p, PartNumber=i + 1, UploadId=upload_id)["ETag"] for i, p in enumerate(parts)]
    listed, marker = [], 0
    while True:
        page = cos.list_parts(Bucket=BUCKET, Key=key, UploadId=upload_id, MaxParts=2, PartNumberMarker=marker)
        listed += [(int(p["PartNumber"]), int(p["Size"]), p["ETag"]) for p in page.get("Part", [])]
        if page["IsTruncated"] != "true":
            break
        marker = int(page["NextPartNumberMarker"])
    expect_equal(listed, [(i + 1, len(p), etags[i]) for i, p in enumerate(parts)], "listed parts")
    done = cos.complete_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload_id, MultipartUpload={"Part": [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]})
    expect_equal(done["ETag"].strip('"')[-2:], "-3", "multipart ETag suffix")
    expect_equal(read(key), b"".join(parts), "bytes read back")
    expect_equal(cos.head_object(Bucket=BUCKET, Key=key)["x-cos-meta-kind"], "manual", "metadata from create_multipart_upload")


@checks.check("abort_multipart_upload, then list_parts answers 404 NoSuchUpload")
def abort():
    upload_id = cos.create_multipart_upload(Bucket=BUCKET, Key="py/aborted.bin")["UploadId"]
    cos.upload_part(Bucket=BUCKET, Key="py/aborted.bin", Body=b"part", PartNumber=1, UploadId=upload_id)
    cos.abort_multipart_upload(Bucket=BUCKET, Key="py/aborted.bin", UploadId=upload_id)
    expect_error(lambda: cos.list_parts(Bucket=BUCKET, Key="py/aborted.bin", UploadId=upload_id), 404, "NoSuchUpload", "list_parts after abort")


@checks.check("complete_multipart_upload applies COS rules: EntityTooSmall, InvalidPart, InvalidPartOrder")
def complete_rules():
    key = "py/rules.bin"
    upload_id = cos.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    small = cos.upload_part(Bucket=BUCKET, Key=key, Body=b"tiny", PartNumber=1, UploadId=upload_id)["ETag"]
    last = cos.upload_part(Bucket=BUCKET, Key=key, Body=b"end", PartNumber=2, UploadId=upload_id)["ETag"]

    def complete(parts):
        return lambda: cos.complete_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload_id, MultipartUpload={"Part": parts})

    expect_error(complete([{"PartNumber": 1, "ETag": small}, {"PartNumber": 2, "ETag": last}]), 400, "EntityTooSmall", "small first part")
    expect_error(complete([{"PartNumber": 1, "ETag": '"0123"'}]), 400, "InvalidPart", "wrong ETag")
    expect_error(complete([{"PartNumber": 2, "ETag": last}, {"PartNumber": 1, "ETag": small}]), 400, "InvalidPartOrder", "parts out of order")
    cos.abort_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload_id)


@checks.check("list_multipart_uploads pages by key and upload id, decodes a %41 key, groups by delimiter")
def list_uploads():
    started = []
    for key in ["py/up/a", "py/up/a", "py/up/100%41", "py/up/dir/1", "py/up/dir/2"]:
        started.append((key, cos.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]))
    seen, markers = [], {}
    while True:
        page = cos.list_multipart_uploads(Bucket=BUCKET, Prefix="py/up/", MaxUploads=2, **markers)
        seen += [(u["Key"], u["UploadId"]) for u in page.get("Upload", [])]
        if page["IsTruncated"] != "true":
            break
        markers = {"KeyMarker": page["NextKeyMarker"], "UploadIdMarker": page["NextUploadIdMarker"]}
    expected = sorted(started, key=lambda u: (u[0].encode(), u[1]))
    expect_equal(seen, expected, "uploads over all pages")
    grouped = cos.list_multipart_uploads(Bucket=BUCKET, Prefix="py/up/", Delimiter="/")
    expect_equal([p["Prefix"] for p in grouped.get("CommonPrefixes", [])], ["py/up/dir/"], "common prefixes")
    expect_equal(sorted(u["Key"] for u in grouped.get("Upload", [])), ["py/up/100%41", "py/up/a", "py/up/a"], "uploads beside the prefixes")
    for key, upload_id in started:
        cos.abort_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload_id)


# Listing -------------------------------------------------------------------------------------------

LISTED = ["py/list/a/1", "py/list/a/2", "py/list/b", "py/list/c/1", "py/list/d", "py/list/e"]


def put_listed():
    for key in LISTED:
        cos.put_object(Bucket=BUCKET, Key=key, Body=key.encode())


@checks.check("list_objects (v1): prefix, delimiter into CommonPrefixes, paging with Marker and NextMarker")
def list_v1():
    put_listed()
    expect_equal(all_keys("py/list/", MaxKeys=2), LISTED, "keys over pages of 2")
    grouped = cos.list_objects(Bucket=BUCKET, Prefix="py/list/", Delimiter="/")
    expect_equal([c["Key"] for c in grouped.get("Contents", [])], ["py/list/b", "py/list/d", "py/list/e"], "keys beside the prefixes")
    expect_equal([p["Prefix"] for p in grouped.get("CommonPrefixes", [])], ["py/list/a/", "py/list/c/"], "common prefixes")
    first = cos.list_objects(Bucket=BUCKET, Prefix="py/list/", Delimiter="/", MaxKeys=1)
    expect_equal((first["IsTruncated"], first["NextMarker"]), ("true", "py/list/a/"), "a page that ends on a prefix")
    sizes = {c["Key"]: int(c["Size"]) for c in cos.list_objects(Bucket=BUCKET, Prefix="py/list/")["Contents"]}
    expect_equal(sizes, {k: len(k) for k in LISTED}, "sizes")


def list_v2(**params):
    """ListObjects v2 (list-type=2), which the SDK has no method for: a plain request signed by its own auth."""
    params = dict(params, **{"list-type": "2"})
    base = "http://127.0.0.1:%d/" % PORT + ("" if STYLE == "virtual" else BUCKET + "/")
    headers = {"Host": "%s.cos.%s.myqcloud.com" % (BUCKET, REGION)} if STYLE == "virtual" else {}
    response = requests.get(base, params=params, headers=headers, auth=CosS3Auth(config(), params=params))
    if response.status_code != 200:
        raise AssertionError("list-type=2 answered %d: %s" % (response.status_code, response.text))
    root = ET.fromstring(response.content)
    text = lambda name: root.findtext(name)  # noqa: E731
    decode = unquote if params.get("encoding-type") == "url" else (lambda s: s)
    return {
        "keys": [decode(c.findtext("Key")) for c in root.findall("Contents")],
        "prefixes": [decode(p.findtext("Prefix")) for p in root.findall("CommonPrefixes")],
        "count": text("KeyCount"),
        "truncated": text("IsTruncated"),
        "next": text("NextContinuationToken"),
    }


@checks.check("list objects v2 (list-type=2): continuation tokens, KeyCount, start-after, delimiter, encoding-type=url")
def list_objects_v2():
    put_listed()
    keys, token, pages = [], None, 0
    while True:
        page = list_v2(prefix="py/list/", **{"max-keys": "4"}, **({"continuation-token": token} if token else {}))
        expect_equal(page["count"], str(len(page["keys"]) + len(page["prefixes"])), "KeyCount of page %d" % pages)
        keys += page["keys"]
        pages += 1
        if page["truncated"] != "true":
            break
        token = page["next"]
    expect_equal((keys, pages), (LISTED, 2), "keys over pages of 4")
    grouped = list_v2(prefix="py/list/", delimiter="/")
    expect_equal((grouped["prefixes"], grouped["keys"]), (["py/list/a/", "py/list/c/"], ["py/list/b", "py/list/d", "py/list/e"]), "grouped")
    expect_equal(list_v2(prefix="py/list/", **{"start-after": "py/list/c/1"})["keys"], ["py/list/d", "py/list/e"], "start-after")
    cos.put_object(Bucket=BUCKET, Key="py/list-enc/100%41 x", Body=b"x")
    expect_equal(list_v2(prefix="py/list-enc/", **{"encoding-type": "url"})["keys"], ["py/list-enc/100%41 x"], "decoded key")


# Batch delete and copy -----------------------------------------------------------------------------


@checks.check("delete_objects: verbose lists every key, quiet only failures; missing keys count as deleted")
def delete_many():
    for key in ["py/batch/1", "py/batch/2", "py/batch/3"]:
        cos.put_object(Bucket=BUCKET, Key=key, Body=b"x")
    verbose = cos.delete_objects(Bucket=BUCKET, Delete={"Quiet": "false", "Object": [{"Key": "py/batch/1"}, {"Key": "py/batch/absent"}]})
    expect_equal(sorted(d["Key"] for d in verbose.get("Deleted", [])), ["py/batch/1", "py/batch/absent"], "verbose Deleted")
    quiet = cos.delete_objects(Bucket=BUCKET, Delete={"Quiet": "true", "Object": [{"Key": "py/batch/2"}, {"Key": "py/batch/3"}]})
    expect_equal((quiet.get("Deleted", []), quiet.get("Error", [])), ([], []), "quiet answer")
    expect_equal(all_keys("py/batch/"), [], "keys left")


def source(key):
    return {"Bucket": BUCKET, "Key": key, "Region": REGION}


@checks.check("copy_object keeps the source's metadata (Copy) or takes the request's (Replaced)")
def copy_objects():
    body = pattern(3 * MiB + 1, 8)
    cos.put_object(Bucket=BUCKET, Key="py/copy/src.bin", Body=body, ContentType="application/x-src", Metadata={"x-cos-meta-origin": "src"})
    cos.copy_object(Bucket=BUCKET, Key="py/copy/dst.bin", CopySource=source("py/copy/src.bin"))
    expect_equal(read("py/copy/dst.bin"), body, "copied bytes")
    head = cos.head_object(Bucket=BUCKET, Key="py/copy/dst.bin")
    expect_equal((head["Content-Type"], head["x-cos-meta-origin"]), ("application/x-src", "src"), "copied metadata")
    cos.copy_object(Bucket=BUCKET, Key="py/copy/dst.bin", CopySource=source("py/copy/src.bin"), CopyStatus="Replaced", ContentType="text/plain", Metadata={"x-cos-meta-origin": "new"})
    head = cos.head_object(Bucket=BUCKET, Key="py/copy/dst.bin")
    expect_equal((head["Content-Type"], head["x-cos-meta-origin"]), ("text/plain", "new"), "replaced metadata")
    expect_error(lambda: cos.copy_object(Bucket=BUCKET, Key="py/copy/x", CopySource=source("py/copy/absent")), 404, "NoSuchKey", "missing source")


@checks.check("upload_part_copy copies byte ranges of an object into parts")
def upload_part_copy():
    body = pattern(2 * MiB + 9, 9)
    cos.put_object(Bucket=BUCKET, Key="py/copy/ranges-src.bin", Body=body)
    key = "py/copy/ranges-dst.bin"
    upload_id = cos.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    first = cos.upload_part_copy(Bucket=BUCKET, Key=key, PartNumber=1, UploadId=upload_id, CopySource=source("py/copy/ranges-src.bin"), CopySourceRange="bytes=%d-%d" % (MiB, 2 * MiB - 1))
    second = cos.upload_part_copy(Bucket=BUCKET, Key=key, PartNumber=2, UploadId=upload_id, CopySource=source("py/copy/ranges-src.bin"), CopySourceRange="bytes=0-99")
    parts = [{"PartNumber": 1, "ETag": first["ETag"]}, {"PartNumber": 2, "ETag": second["ETag"]}]
    cos.complete_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload_id, MultipartUpload={"Part": parts})
    expect_equal(read(key), body[MiB : 2 * MiB] + body[:100], "bytes of the copied parts")


# Presigned URLs (path style: the URL itself names the bucket) ----------------------------------------


def path_style_only(name):
    return STYLE == "path" or not name.startswith("presigned")


@checks.check("presigned GET and PUT URLs work with plain requests; a URL for another key is refused")
def presigned():
    body = pattern(5000, 10)
    put_url = cos.get_presigned_url(Bucket=BUCKET, Key="py/presigned.bin", Method="PUT", Expired=300)
    expect_equal(requests.put(put_url, data=body).status_code, 200, "PUT by URL")
    get_url = cos.get_presigned_download_url(Bucket=BUCKET, Key="py/presigned.bin", Expired=300)
    got = requests.get(get_url)
    expect_equal((got.status_code, got.content), (200, body), "GET by URL")
    other = get_url.replace("/py/presigned.bin?", "/py/bytes.bin?")
    expect_equal(requests.get(other).status_code, 403, "a URL signed for another key")


@checks.check("presigned URLs: without the host signed (SignHost=False) it works, expired it is refused")
def presigned_host_and_expiry():
    cos.put_object(Bucket=BUCKET, Key="py/presigned-2.txt", Body=b"two")
    unsigned_host = cos.get_presigned_download_url(Bucket=BUCKET, Key="py/presigned-2.txt", SignHost=False)
    got = requests.get(unsigned_host)
    expect_equal((got.status_code, got.content), (200, b"two"), "GET by URL without host")
    expired = requests.get(cos.get_presigned_download_url(Bucket=BUCKET, Key="py/presigned-2.txt", Expired=-120))
    expect_equal((expired.status_code, ET.fromstring(expired.content).findtext("Code")), (403, "AccessDenied"), "expired URL")


# Credentials and buckets ---------------------------------------------------------------------------


@checks.check("a wrong SecretKey answers 403 SignatureDoesNotMatch, an unknown SecretId 403 InvalidAccessKeyId")
def wrong_keys():
    expect_error(lambda: client(SecretKey="wrong-key").get_object(Bucket=BUCKET, Key="py/bytes.bin"), 403, "SignatureDoesNotMatch", "wrong key")
    expect_error(lambda: client(SecretId="AKIDunknown").get_object(Bucket=BUCKET, Key="py/bytes.bin"), 403, "InvalidAccessKeyId", "unknown id")
    expect_error(lambda: client(SecretKey="wrong-key").put_object(Bucket=BUCKET, Key="py/wrong.txt", Body=b"x"), 403, "SignatureDoesNotMatch", "wrong key on PUT")
    expect_equal(cos.object_exists(Bucket=BUCKET, Key="py/wrong.txt"), False, "nothing stored by the refused PUT")


@checks.check("temporary credentials work with their token and are refused without it")
def temporary_credentials():
    temp = {"SecretId": os.environ["COS_TEMP_SECRET_ID"], "SecretKey": os.environ["COS_TEMP_SECRET_KEY"]}
    with_token = client(Token=os.environ["COS_TEMP_TOKEN"], **temp)
    expect_equal(with_token.get_object(Bucket=BUCKET, Key="py/bytes.bin")["Body"].get_raw_stream().read(), pattern(300_000, 1), "bytes with the token")
    expect_error(lambda: client(**temp).get_object(Bucket=BUCKET, Key="py/bytes.bin"), 403, "InvalidAccessKeyId", "no token")


@checks.check("head_bucket and bucket_exists; a missing bucket answers 404 NoSuchBucket")
def buckets():
    cos.head_bucket(Bucket=BUCKET)
    expect_equal(cos.bucket_exists(Bucket=BUCKET), True, "bucket_exists")
    missing = "missing-1250000000"
    expect_error(lambda: client(missing).put_object(Bucket=missing, Key="k", Body=b"x"), 404, "NoSuchBucket", "PUT into a missing bucket")


if __name__ == "__main__":
    sys.exit(checks.run(only=path_style_only))
