"""Known secret shapes are masked, and the rest of the line stays as it was."""

from __future__ import annotations

import pytest

from conch.secret_masking import MASK, mask_secrets

GITHUB_TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (f"export GITHUB_TOKEN={GITHUB_TOKEN}", f"export GITHUB_TOKEN={MASK}"),
        (f"export AWS_SECRET_ACCESS_KEY={AWS_SECRET}", f"export AWS_SECRET_ACCESS_KEY={MASK}"),
        ("mysql -pSECRET -u root", f"mysql -p{MASK} -u root"),
        ("mysql --password=hunter2 db", f"mysql --password={MASK} db"),
        (
            "curl -H 'Authorization: Bearer abc123def456' https://api.example.com",
            f"curl -H 'Authorization: Bearer {MASK}' https://api.example.com",
        ),
        ('curl -H "X-Api-Key: k-123" https://x', f'curl -H "X-Api-Key: {MASK}" https://x'),
        (
            "git clone https://ada:s3cretpass@github.com/a/b",
            f"git clone https://ada:{MASK}@github.com/a/b",
        ),
        ("db_password: supersecret", f"db_password: {MASK}"),
        ("sshpass -p hunter2 ssh host", f"sshpass -p {MASK} ssh host"),
        (f"token is {GITHUB_TOKEN} ok", f"token is {MASK} ok"),
        ("SLACK=xoxb-123456789012-abcdefghijklmn", f"SLACK={MASK}"),
    ],
)
def test_a_secret_is_masked_and_the_rest_of_the_line_kept(line: str, masked: str) -> None:
    assert mask_secrets(line) == masked


@pytest.mark.parametrize(
    "line",
    [
        "ls -la /tmp",
        "commit 4f3a2b1c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a",
        "Author: Ada Lovelace <ada@example.com>",
        "pytest -q -k test_password_reset",
        "cd /home/ada/projects/a-rather-long-directory-name",
        "echo $PWD",
    ],
)
def test_ordinary_lines_are_left_alone(line: str) -> None:
    assert mask_secrets(line) == line


def test_only_the_line_holding_a_secret_changes_in_long_output() -> None:
    numbers = "".join(f"{n}\n" for n in range(1, 20_001))
    text = numbers + f"GITHUB_TOKEN={GITHUB_TOKEN}\n" + numbers
    assert mask_secrets(text) == numbers + f"GITHUB_TOKEN={MASK}\n" + numbers


def test_a_printed_private_key_loses_its_body() -> None:
    key = (
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
        "-----END OPENSSH PRIVATE KEY-----\n"
    )
    masked = mask_secrets("$ cat id\n" + key + "done\n")
    assert "b3BlbnNzaC1rZXkt" not in masked
    assert masked.endswith("-----END OPENSSH PRIVATE KEY-----\ndone\n")


def test_letters_that_grow_when_lowered_do_not_shift_the_mask() -> None:
    line = f"İİİ export GITHUB_TOKEN={GITHUB_TOKEN} İ"
    assert mask_secrets(line) == f"İİİ export GITHUB_TOKEN={MASK} İ"
