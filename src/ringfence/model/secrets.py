"""What a secret scan found: where a credential sits and a preview that does not reveal it.

Resources that can hold text written by people (user data, environment variables, template
parameters) keep that text only in redacted form, with the findings beside it: the raw values never
enter the model, so no report, store or log can carry them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SecretFinding:
    # aws_access_key_id | aws_secret_access_key | private_key | token | url_credentials | password
    kind: str
    location: str  # e.g. "user data line 4", "environment variable DB_PASSWORD"
    preview: str  # the first few characters only, e.g. "AKIAI…"

    def describe(self) -> str:
        label = KIND_LABELS.get(self.kind, self.kind.replace("_", " "))
        return f"{label} ({self.preview}) in {self.location}"


KIND_LABELS = {
    "aws_access_key_id": "AWS access key id",
    "aws_secret_access_key": "AWS secret access key",
    "private_key": "private key",
    "token": "API token",
    "url_credentials": "password in a URL",
    "password": "secret-like value",
}
