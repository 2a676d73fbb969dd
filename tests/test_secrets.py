"""The credential scanner: what it finds, what it leaves alone, and that the secret never survives.

Fake credentials are assembled at run time so that no repository scanner mistakes this file for a
leak (and none of them is a real key)."""

from __future__ import annotations

import base64
import gzip

import pytest

from ringfence.secrets import decode_user_data, entropy, is_secret_like, preview, scan_pairs, scan_text

KEY_ID = "AKIA" + "QWERTYUI23456789"
TEMP_KEY_ID = "ASIA" + "ZXCVBNMQ98765432"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG" + "/bPxRfiCYzq8aTr2mKx"
PASSWORD = "S3cr3t-Pa55w0rd!x"
GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END RSA PRIVATE KEY-----"


def kinds(text: str) -> list[str]:
    return [f.kind for f in scan_text(text, "user data").findings]


def assert_hidden(redacted: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in redacted
        assert secret[6:] not in redacted  # not even the part after the preview


def test_a_bootstrap_script_with_every_kind_of_credential() -> None:
    script = "\n".join(
        [
            "#!/bin/bash",
            f"export AWS_ACCESS_KEY_ID={KEY_ID}",
            f"export AWS_SECRET_ACCESS_KEY={SECRET_KEY}",
            f'DB_PASSWORD="{PASSWORD}"',
            f"git clone https://deploy:{GITHUB_TOKEN}@github.com/acme/app.git",
            f"mysql --password '{PASSWORD}' -h db.internal",
            f"cat > /root/.ssh/id_rsa <<EOF\n{PEM}\nEOF",
        ]
    )
    scanned = scan_text(script, "user data")

    found = {(f.kind, f.location) for f in scanned.findings}
    assert ("aws_access_key_id", "user data line 2") in found
    assert ("aws_secret_access_key", "user data line 3") in found
    assert ("password", "user data line 4") in found
    assert ("token", "user data line 5") in found
    assert ("password", "user data line 6") in found
    assert ("private_key", "user data line 8") in found  # the block starts below the cat line
    assert_hidden(
        scanned.redacted, KEY_ID, SECRET_KEY, PASSWORD, GITHUB_TOKEN, "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo"
    )
    assert "[REDACTED:aws_access_key_id]" in scanned.redacted
    assert scanned.redacted.startswith("#!/bin/bash\nexport AWS_ACCESS_KEY_ID=")  # the rest stays readable
    for finding in scanned.findings:
        assert len(finding.preview.rstrip("…")) <= 6 or finding.kind == "private_key"


def test_previews_show_at_most_six_characters_and_a_quarter() -> None:
    assert preview(KEY_ID) == "AKIAQ…"
    assert preview(SECRET_KEY) == "wJalrX…"
    assert preview("Zx9!qP2#") == "Zx…"
    assert preview("abc") == "…"


def test_temporary_keys_secrets_beside_a_key_urls_and_nested_base64() -> None:
    assert kinds(f"[default]\naws_access_key_id = {TEMP_KEY_ID}\n{SECRET_KEY}\n") == [
        "aws_access_key_id",
        "aws_secret_access_key",
    ]
    assert kinds("DATABASE_URL=postgres://app:Qm9vbT0xMjM0NTY@db.internal:5432/app") == ["url_credentials"]
    hidden = base64.b64encode(f"aws_access_key_id={KEY_ID}".encode()).decode()
    scanned = scan_text(
        f"#cloud-config\nwrite_files:\n  - encoding: b64\n    content: {hidden}\n", "user data"
    )
    assert [(f.kind, f.location) for f in scanned.findings] == [
        ("aws_access_key_id", "user data line 4 (base64-decoded)")
    ]
    assert hidden not in scanned.redacted


@pytest.mark.parametrize(
    "text",
    [
        "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",  # the documentation's example key
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "DB_PASSWORD_SECRET_ARN=arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
        "password: ${DB_PASSWORD}",
        'DB_PASSWORD="$(aws ssm get-parameter --name /prod/db/password --with-decryption --query Parameter.Value)"',
        "PASSWORD_LENGTH=16",
        "token_ttl=3600",
        "api_key_name=orders-service",
        'mysql --password "$DB_PASS" -h db',
        "password=changeme",
        "password: hunter2",  # too short and plain to tell from a placeholder
        "ROLE_ID=AROAJ52OTH4H7LEXAMPLE ownerid=AIDAJQABLZS4A3QDU576Q",
        "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",  # a SHA-1, 40 hex characters
        "image=123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:" + "ab12" * 16,
        "KMS_KEY_ID=arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "curl https://user:${PASSWORD}@example.com/",
        "token: {{resolve:secretsmanager:prod/api:SecretString:token}}",
        "secret_file=/run/secrets/db",
    ],
)
def test_false_positives_stay_quiet(text: str) -> None:
    assert kinds(text) == []


def test_values_of_secret_names_are_masked_even_when_not_reported() -> None:
    scanned = scan_text("password: hunter2\nREGION=eu-west-1", "user data")
    assert scanned.findings == ()
    assert "hunter2" not in scanned.redacted
    assert "REGION=eu-west-1" in scanned.redacted


def test_named_values_environment_variables() -> None:
    redacted, found = scan_pairs(
        [
            ("AWS_ACCESS_KEY_ID", KEY_ID),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
            ("STRIPE_API_KEY", "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"),
            ("JWT_SECRET", "q8Zr2LmN5vX0pK7w"),
            ("DB_PASSWORD_PARAM", "/prod/db/password"),
            ("TABLE_NAME", "orders"),
            ("LOG_LEVEL", "debug"),
        ],
        "environment variable",
    )

    assert {(f.kind, f.location) for f in found} == {
        ("aws_access_key_id", "environment variable AWS_ACCESS_KEY_ID"),
        ("aws_secret_access_key", "environment variable AWS_SECRET_ACCESS_KEY"),
        ("token", "environment variable STRIPE_API_KEY"),
        ("password", "environment variable JWT_SECRET"),
    }
    assert redacted["TABLE_NAME"] == "orders"
    assert redacted["DB_PASSWORD_PARAM"] == "/prod/db/password"
    assert redacted["AWS_SECRET_ACCESS_KEY"] == "[REDACTED]"
    assert redacted["JWT_SECRET"] == "[REDACTED]"
    assert KEY_ID not in redacted["AWS_ACCESS_KEY_ID"]


def test_user_data_as_ec2_returns_it() -> None:
    script = f"#!/bin/bash\nexport AWS_ACCESS_KEY_ID={KEY_ID}\n"
    plain = base64.b64encode(script.encode()).decode()
    assert decode_user_data(plain) == script
    assert decode_user_data(base64.b64encode(gzip.compress(script.encode())).decode()) == script
    twice = base64.b64encode(plain.encode()).decode()  # base64 text given as user data
    assert decode_user_data(twice) == script
    mime = (
        'Content-Type: multipart/mixed; boundary="XX"\nMIME-Version: 1.0\n\n--XX\n'
        "Content-Type: text/x-shellscript\nContent-Transfer-Encoding: base64\n\n"
        f"{plain}\n--XX--\n"
    )
    unpacked = decode_user_data(base64.b64encode(mime.encode()).decode())
    assert unpacked is not None
    assert KEY_ID in unpacked
    assert "text/x-shellscript" in unpacked
    assert decode_user_data(None) is None
    assert decode_user_data("") is None


def test_a_gzip_bomb_is_cut_and_secret_likeness_needs_entropy() -> None:
    bomb = base64.b64encode(gzip.compress(b"A" * (20 * 1024 * 1024))).decode()
    text = decode_user_data(bomb)
    assert text is not None
    assert len(text) <= 1024 * 1024
    assert len(scan_text(text, "user data").redacted) < 17 * 1024
    assert entropy("aaaaaaaa") == 0
    assert is_secret_like(PASSWORD)
    assert not is_secret_like("aaaaaaaaaaaa")
    assert not is_secret_like("arn:aws:iam::123456789012:role/x")
