"""SMS texts in Mandarin and English. (The app chat text is written by the Rasa action, in
actions/reminders.py, so it can carry buttons and continue the conversation.)"""

from __future__ import annotations

from common.i18n import Catalogue, text
from common.language import supported
from desk_db.tables.reminders import Reminder

SMS: Catalogue = {
    "premium": {
        "zh": "【安心保险】您的{product}（{number}）保费 {amount} 元将于 {date} 到期。"
              "打开安心保险App或回复本短信即可缴费。回复TD退订",
        "en": "[Anxin Insurance] Your {product} ({number}) premium of CNY {amount} is due on {date}. "
              "Pay in the Anxin app. Reply STOP to opt out",
    },
    "renewal": {
        "zh": "【安心保险】您的{product}（{number}）将于 {date} 到期，续保保费约 {amount} 元。"
              "打开安心保险App即可续保。回复TD退订",
        "en": "[Anxin Insurance] Your {product} ({number}) ends on {date}; renewal premium about CNY {amount}. "
              "Renew in the Anxin app. Reply STOP to opt out",
    },
}


def sms_text(reminder: Reminder, product_zh: str, product_en: str) -> str:
    language = supported(reminder.language)
    product = product_en if language == "en" else product_zh
    return text(SMS, reminder.kind, language, product=product, number=reminder.policy_number,
                amount=f"{reminder.amount:,.2f}", date=reminder.due_date.isoformat())
