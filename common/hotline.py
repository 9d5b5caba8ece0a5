"""The customer-service hotline: the one number and opening hours every text that names it is filled from
(`facts` gives them as the placeholders {hotline} and {hotline_hours}, see common.i18n.filled)."""

from __future__ import annotations

NUMBER = "95500-8888"
OPENS, CLOSES = 8, 22  # every day, local time (hours of the clock)


def _spoken_hour(hour: int, language: str) -> str:
    if language == "en":
        return f"{hour % 12 or 12} {'am' if hour < 12 else 'pm'}"
    return f"{hour}点"


def facts(*, spoken: bool = False) -> dict[str, dict[str, str]]:
    """{hotline} and {hotline_hours} per language: written "8:00–22:00" for the screen, or as the voice line says
    them ("8点到22点", "8 am to 10 pm")."""
    def hours(language: str) -> str:
        if not spoken:
            return f"{OPENS}:00–{CLOSES}:00"
        joint = "到" if language == "zh" else " to "
        return f"{_spoken_hour(OPENS, language)}{joint}{_spoken_hour(CLOSES, language)}"
    return {language: {"hotline": NUMBER, "hotline_hours": hours(language)} for language in ("zh", "en")}
