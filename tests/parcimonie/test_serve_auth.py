"""`parcimonie dashboard` and sign-in: refused beyond loopback without it, secrets written privately."""

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from parcimonie.serve_auth import (
    SignInMissing,
    auth_secrets_file,
    check_sign_in,
    dashboard_auth_env,
    is_loopback,
    metadata_url,
)
from parcimonie.settings import Settings

REPO = str(Path(__file__).resolve().parents[2])
SECRET = "s3cr3t-value"


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def configured(**values: object) -> Settings:
    return _settings(auth_issuer="https://sso.mairie.test/realms/dsi", auth_client_id="parcimonie", **values)


def test_dashboard_on_every_address_without_sign_in_exits_2(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": REPO, "PARCIMONIE_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "parcimonie", "dashboard", "--address", "0.0.0.0"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    message = " ".join(result.stderr.split())
    assert "0.0.0.0" in message and "sans connexion" in message
    assert "PARCIMONIE_AUTH_ISSUER" in message and "PARCIMONIE_AUTH_CLIENT_ID" in message and "--no-auth" in message
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written: no database, no secrets


def test_sign_in_rules() -> None:
    plain = _settings()
    assert check_sign_in(plain, address="127.0.0.1", no_auth=False) is False
    assert check_sign_in(plain, address="localhost", no_auth=False) is False
    assert check_sign_in(plain, address="0.0.0.0", no_auth=True) is False  # explicit
    for address in ("0.0.0.0", "::", "192.0.2.10"):
        with pytest.raises(SignInMissing, match="--no-auth"):
            check_sign_in(plain, address=address, no_auth=False)
    assert check_sign_in(configured(), address="0.0.0.0", no_auth=False) is True
    assert check_sign_in(configured(), address="127.0.0.1", no_auth=False) is True  # configured: always on
    assert check_sign_in(configured(), address="0.0.0.0", no_auth=True) is False
    with pytest.raises(SignInMissing, match="moitié"):
        check_sign_in(_settings(auth_client_id="parcimonie"), address="127.0.0.1", no_auth=False)


def test_loopback_addresses() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.1.2.3") and not is_loopback("no such host.invalid")


def test_secrets_file_is_private_complete_and_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    settings = configured(auth_client_secret=SECRET, auth_public_url="https://parcimonie.mairie.test/")
    with auth_secrets_file(settings, address="0.0.0.0", port=8501) as path:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        auth = tomllib.loads(path.read_text())["auth"]
    assert list(tmp_path.iterdir()) == []
    assert auth["client_secret"] == SECRET and auth["client_id"] == "parcimonie"
    assert auth["server_metadata_url"] == "https://sso.mairie.test/realms/dsi/.well-known/openid-configuration"
    assert auth["redirect_uri"] == "https://parcimonie.mairie.test/oauth2callback"
    assert len(auth["cookie_secret"]) >= 64
    assert auth["client_kwargs"] == {"scope": "openid profile email", "prompt": "select_account"}
    assert SECRET not in repr(settings) and SECRET not in str(dashboard_auth_env(settings, sign_in=True))


def test_secret_from_a_file_and_removed_on_error(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-file\nignored\n", encoding="utf-8")
    with auth_secrets_file(configured(auth_client_secret_file=secret_file), address="127.0.0.1", port=9) as path:
        auth = tomllib.loads(path.read_text())["auth"]
        assert auth["client_secret"] == "from-file" and auth["redirect_uri"] == "http://127.0.0.1:9/oauth2callback"
        with (
            pytest.raises(RuntimeError),
            auth_secrets_file(configured(auth_client_secret="x"), address="h", port=1) as p,
        ):
            kept = p
            raise RuntimeError("the dashboard failed")
    assert not path.exists() and not kept.exists()
    with (
        pytest.raises(SignInMissing, match="secret client manquant"),
        auth_secrets_file(configured(), address="h", port=1),
    ):
        pass
    with (
        pytest.raises(SignInMissing, match="illisible"),
        auth_secrets_file(configured(auth_client_secret_file=tmp_path / "absent"), address="h", port=1),
    ):
        pass


def test_bad_role_mapping_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARCIMONIE_AUTH_ROLES", '{"dsi-group": "superuser"}')
    with pytest.raises(ValueError, match="rôle inconnu"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    assert metadata_url("https://x/.well-known/openid-configuration") == "https://x/.well-known/openid-configuration"
    assert os.environ["PARCIMONIE_AUTH_ROLES"]  # unchanged by the check


def _dashboard(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": REPO, "PARCIMONIE_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "parcimonie", "dashboard", "--address", "0.0.0.0"],
        env={**base, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        # The example shown is the roles' own, not a vCenter list.
        ("PARCIMONIE_AUTH_ROLES", "{bad", '{"GG-DSI": "dsi"'),
        ("PARCIMONIE_AUTH_ROLES", '{"GG-DSI": "god"}', "PARCIMONIE_AUTH_ROLES : groupe 'GG-DSI' : rôle inconnu 'god'"),
        ("PARCIMONIE_AUTH_ISSUER", "http://sso.mairie.test/realms/dsi", "PARCIMONIE_AUTH_ISSUER : "),
        ("PARCIMONIE_AUTH_ISSUER", "sso.mairie.test", "https://"),
        ("PARCIMONIE_AUTH_PUBLIC_URL", "javascript:alert(1)", "PARCIMONIE_AUTH_PUBLIC_URL : "),
    ],
)
def test_malformed_sign_in_settings_name_the_variable(tmp_path: Path, variable: str, value: str, expected: str) -> None:
    env = {"PARCIMONIE_AUTH_ISSUER": "https://sso.mairie.test", "PARCIMONIE_AUTH_CLIENT_ID": "parcimonie"}
    result = _dashboard(tmp_path, **{**env, "PARCIMONIE_AUTH_CLIENT_SECRET": SECRET, variable: value})
    assert result.returncode == 2, result.stderr
    message = " ".join(result.stderr.split())
    assert expected in message and "Traceback" not in message
    assert "vcenter" not in message and "Value error" not in message and SECRET not in message


def test_issuer_over_plain_http_only_to_this_machine() -> None:
    # The client secret goes to the provider's token endpoint: never in clear over the network.
    for issuer in ("http://sso.mairie.test/realms/dsi", "ftp://sso.mairie.test", "sso.mairie.test", "https://"):
        with pytest.raises(ValueError, match="https://"):
            _settings(auth_issuer=issuer)
    for issuer in ("https://sso.mairie.test/realms/dsi", "http://127.0.0.1:8080/realms/x", "http://localhost:9000"):
        assert _settings(auth_issuer=issuer).auth_issuer == issuer
