"""Writes a valid wheel of about SIZE bytes: one stored (incompressible) member of random bytes,
streamed to disk so building it takes no memory. Usage: make_big_wheel.py OUT_DIR SIZE_BYTES"""
import base64, hashlib, os, sys, zipfile

out_dir, size = sys.argv[1], int(sys.argv[2])
name, version = "big_upload", "1.0"
path = os.path.join(out_dir, f"{name}-{version}-py3-none-any.whl")
info = f"{name}-{version}.dist-info"
records = []
with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
    digest, written = hashlib.sha256(), 0
    with zf.open(f"{name}/blob.bin", "w", force_zip64=True) as member:
        chunk = os.urandom(1 << 20)
        while written < size:
            part = chunk[: min(len(chunk), size - written)]
            member.write(part)
            digest.update(part)
            written += len(part)
    records.append((f"{name}/blob.bin", digest.digest(), written))
    for member_name, text in [
        (f"{info}/METADATA", f"Metadata-Version: 2.1\nName: big-upload\nVersion: {version}\n\n"),
        (f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    ]:
        data = text.encode()
        zf.writestr(member_name, data)
        records.append((member_name, hashlib.sha256(data).digest(), len(data)))
    lines = [f"{n},sha256={base64.urlsafe_b64encode(d).rstrip(b'=').decode()},{s}" for n, d, s in records]
    zf.writestr(f"{info}/RECORD", "\n".join(lines + [f"{info}/RECORD,,"]) + "\n")
print(path)
