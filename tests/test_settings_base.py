"""Every service's settings read the variables they always read, through the one base (desk_config.base)."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import time

import pydantic
import pytest

from desk_config.shared import REPO_ROOT
from devstack import services
from handoff.settings import Settings as HubSettings
from outreach.settings import Settings as ReminderSettings
from policy_api.settings import Settings as PolicyApiSettings
from service_figures.settings import FigureSettings
from voice.settings import RecognitionSettings
from voice.settings import Settings as VoiceSettings


def test_variables_in_the_shapes_operators_write_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDOFF_ALLOWED_ORIGINS", "https://app.example.com, https://m.example.com,")
    monkeypatch.setenv("HANDOFF_COOKIE_SECURE", "1")
    monkeypatch.setenv("RASA_URL", "http://rasa:5005/")
    monkeypatch.setenv("VOICE_NUMBER_LANGUAGES", "+861095500:zh, +14155550100:en, +1:fr")
    monkeypatch.setenv("HANDOFF_HUB_URL", "")
    monkeypatch.setenv("OUTREACH_QUIET_START", "22:30")
    monkeypatch.setenv("RASA_EVENTS_URL", "sqlite:///var/events.db")
    hub, voice = HubSettings(), VoiceSettings()
    assert hub.allowed_origins == ("https://app.example.com", "https://m.example.com")
    assert hub.cookie_secure is True
    assert hub.rasa_url == voice.rasa_url == "http://rasa:5005"  # paths are appended to it
    assert voice.number_languages == {"+861095500": "zh", "+14155550100": "en"}
    assert voice.hub_url is None  # empty: no handoff from the voice line
    assert ReminderSettings().quiet_start == time(22, 30)
    assert FigureSettings().events_url == f"sqlite:///{REPO_ROOT / 'var' / 'events.db'}"


def test_code_overrides_by_field_name_and_settings_do_not_change_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://desk@db/desk")
    assert PolicyApiSettings().database_url == "postgresql://desk@db/desk"
    assert PolicyApiSettings(database_url="sqlite://").database_url == "sqlite://"
    assert PolicyApiSettings(DATABASE_URL="sqlite://").database_url == "sqlite://"
    settings = HubSettings()
    with pytest.raises(pydantic.ValidationError):
        settings.port = 1  # type: ignore[misc]


def test_a_fixed_value_is_not_taken_from_a_variable_that_shares_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVERSATION_TTL_S", "1")
    monkeypatch.setenv("PREMIUM_STEPS", "[1]")
    assert HubSettings().conversation_ttl_s == 7 * 24 * 3600
    assert ReminderSettings().premium_steps == (15, 7, 1)
    assert HubSettings(conversation_ttl_s=5).conversation_ttl_s == 5


def test_a_bad_value_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICE_ENCODER_WINDOW", "half")
    with pytest.raises(pydantic.ValidationError, match="VOICE_ENCODER_WINDOW"):
        RecognitionSettings()


def test_each_entry_point_checks_the_secrets_its_settings_declare() -> None:
    assert set(PolicyApiSettings.required_secrets()) == {"POLICY_API_KEY", "CUSTOMER_TOKEN_SECRET", "APP_JWT_SECRET"}
    assert set(HubSettings.required_secrets()) == {"POLICY_API_KEY", "APP_JWT_SECRET", "RASA_JWT_SECRET",
                                                   "RASA_CHANNEL_SECRET", "HANDOFF_API_KEY"}
    assert set(VoiceSettings.required_secrets()) == {"RASA_JWT_SECRET", "RASA_CHANNEL_SECRET", "VOICE_API_KEY"}


@pytest.mark.parametrize(("module", "missing"), [("voice", "VOICE_API_KEY"), ("handoff", "HANDOFF_API_KEY")])
def test_a_service_without_a_secret_refuses_to_start(module: str, missing: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_SECRET", "_KEY")) and k != "DESK_DEMO_MODE"}
    env.update({name: "s" * 40 for name in ("RASA_JWT_SECRET", "RASA_CHANNEL_SECRET", "POLICY_API_KEY",
                                            "APP_JWT_SECRET", "VOICE_API_KEY", "HANDOFF_API_KEY")})
    del env[missing]
    result = subprocess.run([services.APP_PYTHON, "-m", module], cwd=REPO_ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1
    assert f"refusing to start: {missing} is not set" in result.stderr


def test_the_action_server_reads_its_variables_in_rasas_environment() -> None:
    """The action server runs on Rasa's pydantic 1: its settings class must work there."""
    env = {**os.environ, "POLICY_API_URL": "http://api:8001/", "HANDOFF_API_KEY": "", "POLICY_API_TIMEOUT_S": "2.5",
           "PYTHONPATH": str(REPO_ROOT)}
    code = ("import json; from actions.settings import ActionSettings, get_settings; s = get_settings(); "
            "print(json.dumps([s.policy_api_url, s.handoff_api_key, s.policy_api_timeout_s, "
            "list(ActionSettings.required_secrets())]))")
    result = subprocess.run([services.RASA_PYTHON, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True,
                            text=True, timeout=120, check=True)
    assert json.loads(result.stdout) == ["http://api:8001", None, 2.5, ["POLICY_API_KEY", "ACTION_SERVER_SECRET"]]


def test_a_misspelt_field_name_in_code_is_refused() -> None:
    with pytest.raises(pydantic.ValidationError, match="prot"):
        HubSettings(prot=9000)
