"""Drawing the generated claim photos: five invoice layouts (three medical, two auto repair), photos that are
not invoices, and the camera's faults (tilt, blur, noise, darkness, JPEG). Everything is drawn from one
`random.Random` per image, so the same seed gives the same pixels."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from claims.invoice_fields import amount_to_words

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
PAPER = (980, 660)
INK = [(20, 20, 20), (25, 35, 90), (40, 40, 55)]
RED = (180, 30, 30)

HOSPITALS = ["上海市第六人民医院", "北京协和医院", "复旦大学附属华山医院", "广州市第一人民医院", "杭州市中医院",
             "南京鼓楼医院", "成都市第三人民医院", "武汉市中心医院", "深圳市人民医院", "苏州大学附属第一医院",
             "天津医科大学总医院", "重庆市急救医疗中心", "浦东新区花木社区卫生服务中心", "西安市儿童医院"]
SHOPS = ["上海安驰汽车维修有限公司", "北京顺达汽车修理厂", "广州车之家汽车服务有限公司", "杭州永固汽修中心",
         "深圳鹏程汽车维修厂", "成都锦程汽车服务有限公司", "南京宁通汽车维修有限公司", "苏州吴中汽车修理厂"]
MEDICAL_ITEMS = ["西药费", "中成药费", "检查费", "化验费", "治疗费", "诊察费", "材料费", "挂号费", "放射费"]
REPAIR_ITEMS = ["工时费", "材料费", "钣金喷漆", "更换前保险杠", "更换大灯总成", "四轮定位", "更换机油机滤"]
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
PROVINCES = "沪京粤浙苏川鄂津渝鲁闽湘"
PATIENTS = ["张*明", "李*华", "王*芳", "刘*", "陈*伟", "杨*静", "赵*强", "周*丽"]


@dataclass(frozen=True)
class Truth:
    kind: str
    layout: str
    amount: Decimal
    in_words: bool  # whether the 大写 total is printed
    invoice_date: date
    payee: str
    invoice_number: str
    plate: str | None


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size)


def draw_truth(rnd: random.Random, kind: str, layout: str) -> Truth:
    medical = kind == "medical_invoice"
    cents = rnd.choice([rnd.randint(2000, 90000), rnd.randint(2000, 500000), rnd.randint(100, 20000) * 100])
    if not medical:
        cents = rnd.choice([rnd.randint(20000, 1000000), rnd.randint(30, 800) * 1000])
    plate = None
    if not medical and rnd.random() < 0.85:
        body = "".join(rnd.choice("0123456789" + PLATE_LETTERS) for _ in range(5))
        if rnd.random() < 0.35:  # new energy: D/F then five digits, 8 characters in all
            body = rnd.choice("DF") + "".join(rnd.choice("0123456789") for _ in range(5))
        plate = rnd.choice(PROVINCES) + rnd.choice(PLATE_LETTERS) + body
    return Truth(
        kind=kind, layout=layout, amount=Decimal(cents) / 100, in_words=medical or rnd.random() < 0.8,
        invoice_date=date(2025, 1, 1) + timedelta(days=rnd.randint(0, 690)),
        payee=rnd.choice(HOSPITALS if medical else SHOPS),
        invoice_number="".join(rnd.choice("0123456789") for _ in range(rnd.choice([8, 10]))),
        plate=plate,
    )


def split_items(rnd: random.Random, total: Decimal, names: list[str]) -> list[tuple[str, Decimal]]:
    count = rnd.randint(2, 4)
    cents = int(total * 100)
    cuts = sorted(rnd.sample(range(1, cents), count - 1)) if cents > count else []
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, cents], strict=True)] if cuts else [cents]
    chosen = rnd.sample(names, len(parts))
    return [(name, Decimal(p) / 100) for name, p in zip(chosen, parts, strict=True)]


def fmt_date(rnd: random.Random, d: date) -> str:
    return rnd.choice([f"{d.year}年{d.month:02d}月{d.day:02d}日", f"{d.year}-{d.month:02d}-{d.day:02d}",
                       f"{d.year}/{d.month:02d}/{d.day:02d}", f"{d.year}.{d.month:02d}.{d.day:02d}",
                       f"{d.year}年{d.month}月{d.day}日"])


def fmt_money(rnd: random.Random, amount: Decimal) -> str:
    text = f"{amount:,.2f}" if amount >= 1000 and rnd.random() < 0.5 else f"{amount:.2f}"
    return rnd.choice(["¥", "￥", ""]) + text


def paper(rnd: random.Random) -> tuple[Image.Image, ImageDraw.ImageDraw, tuple[int, int, int]]:
    tone = rnd.randint(236, 252)
    img = Image.new("RGB", PAPER, (tone, tone, max(tone - rnd.randint(0, 14), 0)))
    return img, ImageDraw.Draw(img), rnd.choice(INK)


def text(d: ImageDraw.ImageDraw, xy: tuple[int, int], s: str, size: int, fill, bold: bool = False, anchor="la"):
    d.text(xy, s, font=font(size), fill=fill, anchor=anchor, stroke_width=1 if bold else 0, stroke_fill=fill)


def items_table(d, rnd, ink, top: int, items: list[tuple[str, Decimal]], size: int) -> int:
    left, right = 60, PAPER[0] - 60
    d.rectangle([left, top, right, top + 44 * (len(items) + 1)], outline=ink, width=2)
    text(d, (left + 20, top + 10), "项目名称", size, ink)
    text(d, (right - 220, top + 10), "金额（元）", size, ink)
    for row, (name, value) in enumerate(items, start=1):
        y = top + 44 * row
        d.line([left, y, right, y], fill=ink, width=1)
        text(d, (left + 20, y + 10), name, size, ink)
        text(d, (right - 220, y + 10), f"{value:.2f}", size, ink)
    return top + 44 * (len(items) + 1)


def medical_receipt(rnd: random.Random, t: Truth) -> Image.Image:
    """M1: the electronic 医疗门诊收费票据 of a province: code and number, items, 大写 and 小写 on one row."""
    img, d, ink = paper(rnd)
    s = rnd.randint(22, 25)
    city = t.payee[:2]
    text(d, (PAPER[0] // 2, 40), f"{city}市医疗门诊收费票据（电子）", 34, RED, bold=True, anchor="ma")
    text(d, (60, 110), f"票据代码：{rnd.randint(31000000, 31999999)}", s, ink)
    text(d, (560, 110), f"票据号码：{t.invoice_number}", s, ink)
    text(d, (60, 155), f"交款人：{rnd.choice(PATIENTS)}", s, ink)
    text(d, (560, 155), f"开票日期：{fmt_date(rnd, t.invoice_date)}", s, ink)
    bottom = items_table(d, rnd, ink, 200, split_items(rnd, t.amount, MEDICAL_ITEMS), s)
    text(d, (60, bottom + 25), f"金额合计（大写）{amount_to_words(t.amount)}", s, ink)
    text(d, (640, bottom + 25), f"（小写）{fmt_money(rnd, t.amount)}", s, ink)
    text(d, (60, bottom + 80), f"收款单位（章）：{t.payee}", s, ink)
    text(d, (700, bottom + 80), f"收款人：{rnd.choice(PATIENTS)}", s, ink)
    return img


def outpatient_invoice(rnd: random.Random, t: Truth) -> Image.Image:
    """M2: an older 门诊收费专用发票: No. at the top right, hospital name, 合计 in figures, then in words."""
    img, d, ink = paper(rnd)
    s = rnd.randint(23, 27)
    text(d, (PAPER[0] // 2, 36), "门诊收费专用发票", 36, RED, bold=True, anchor="ma")
    text(d, (700, 100), f"No.{t.invoice_number}", s + 2, RED)
    text(d, (60, 100), f"医院名称：{t.payee}", s, ink)
    text(d, (60, 145), f"姓名：{rnd.choice(PATIENTS)}", s, ink)
    text(d, (420, 145), f"日期：{fmt_date(rnd, t.invoice_date)}", s, ink)
    y = 200
    for name, value in split_items(rnd, t.amount, MEDICAL_ITEMS):
        text(d, (80, y), name, s, ink)
        text(d, (420, y), f"{value:.2f}", s, ink)
        y += 42
    d.line([60, y + 5, PAPER[0] - 60, y + 5], fill=ink, width=2)
    text(d, (60, y + 25), f"合计金额：{fmt_money(rnd, t.amount)}", s + 2, ink, bold=True)
    text(d, (60, y + 75), f"人民币（大写）：{amount_to_words(t.amount)}", s, ink)
    text(d, (60, y + 125), f"收费员：{rnd.randint(1000, 9999)}    医保统筹支付：0.00", s - 2, ink)
    return img


def fee_receipt(rnd: random.Random, t: Truth) -> Image.Image:
    """M3: a 医疗费用收据 in a plain box: 收据编号, date with slashes or dots, the total followed by 元."""
    img, d, ink = paper(rnd)
    s = rnd.randint(22, 26)
    d.rectangle([30, 25, PAPER[0] - 30, PAPER[1] - 25], outline=ink, width=3)
    text(d, (PAPER[0] // 2, 50), "医疗费用收据", 38, ink, bold=True, anchor="ma")
    text(d, (60, 120), f"医疗机构：{t.payee}", s, ink)
    text(d, (60, 165), f"收据编号：{t.invoice_number}", s, ink)
    text(d, (560, 165), f"日期：{fmt_date(rnd, t.invoice_date)}", s, ink)
    bottom = items_table(d, rnd, ink, 215, split_items(rnd, t.amount, MEDICAL_ITEMS), s)
    text(d, (60, bottom + 25), f"总金额：{t.amount:.2f}元", s + 2, ink, bold=True)
    text(d, (60, bottom + 75), f"大写：{amount_to_words(t.amount)}", s, ink)
    return img


def vat_repair_invoice(rnd: random.Random, t: Truth) -> Image.Image:
    """A1: an 增值税普通发票 from a repair shop: buyer, plate, seller, 价税合计 in words and figures."""
    img, d, ink = paper(rnd)
    s = rnd.randint(21, 24)
    text(d, (PAPER[0] // 2, 34), "增值税普通发票", 36, RED, bold=True, anchor="ma")
    text(d, (620, 95), f"发票号码：{t.invoice_number}", s, ink)
    text(d, (620, 135), f"开票日期：{fmt_date(rnd, t.invoice_date)}", s, ink)
    text(d, (60, 95), f"购买方名称：{rnd.choice(PATIENTS)}", s, ink)
    if t.plate:
        text(d, (60, 135), f"车牌号码：{t.plate}", s, ink)
    bottom = items_table(d, rnd, ink, 180, split_items(rnd, t.amount, REPAIR_ITEMS), s)
    if t.in_words:
        text(d, (60, bottom + 25), f"价税合计（大写）{amount_to_words(t.amount)}", s, ink)
    text(d, (650, bottom + 25), f"（小写）{fmt_money(rnd, t.amount)}", s, ink)
    text(d, (60, bottom + 75), f"销售方名称：{t.payee}", s, ink)
    return img


def repair_bill(rnd: random.Random, t: Truth) -> Image.Image:
    """A2: a shop's 汽车维修费发票: shop name on top, plate beside the date, 合计 last."""
    img, d, ink = paper(rnd)
    s = rnd.randint(23, 27)
    text(d, (PAPER[0] // 2, 36), "汽车维修费发票", 36, ink, bold=True, anchor="ma")
    text(d, (60, 105), f"维修单位：{t.payee}", s, ink)
    text(d, (60, 150), f"发票号码：{t.invoice_number}", s, ink)
    text(d, (520, 150), f"日期：{fmt_date(rnd, t.invoice_date)}", s, ink)
    if t.plate:
        text(d, (60, 195), f"车牌：{t.plate}", s, ink)
    text(d, (520, 195), f"里程：{rnd.randint(1000, 200000)}km", s, ink)
    y = 250
    for name, value in split_items(rnd, t.amount, REPAIR_ITEMS):
        text(d, (80, y), name, s, ink)
        text(d, (520, y), f"{value:.2f}", s, ink)
        y += 42
    d.line([60, y + 5, PAPER[0] - 60, y + 5], fill=ink, width=2)
    text(d, (60, y + 25), f"合计：{fmt_money(rnd, t.amount)}", s + 2, ink, bold=True)
    if t.in_words:
        text(d, (420, y + 25), f"大写：{amount_to_words(t.amount)}", s, ink)
    return img


LAYOUTS = {
    "medical_receipt": ("medical_invoice", medical_receipt),
    "outpatient_invoice": ("medical_invoice", outpatient_invoice),
    "fee_receipt": ("medical_invoice", fee_receipt),
    "vat_repair_invoice": ("auto_repair_invoice", vat_repair_invoice),
    "repair_bill": ("auto_repair_invoice", repair_bill),
}


def scene(rnd: random.Random, number: int) -> Image.Image:
    """A photo that is not an invoice: a street with a car, a menu, a notice, a pet, a note, a landscape."""
    img = Image.new("RGB", PAPER, tuple(rnd.randint(90, 200) for _ in range(3)))
    d = ImageDraw.Draw(img)
    what = number % 6
    if what == 0:  # a car on a street
        d.rectangle([0, 430, PAPER[0], PAPER[1]], fill=(70, 70, 75))
        d.rounded_rectangle([250, 270, 720, 450], 40, fill=tuple(rnd.randint(0, 255) for _ in range(3)))
        for x in (330, 640):
            d.ellipse([x - 50, 410, x + 50, 510], fill=(20, 20, 20))
    elif what == 1:  # a restaurant menu (prices, but nothing an invoice prints)
        text(d, (PAPER[0] // 2, 40), "今日菜单", 40, (30, 30, 30), bold=True, anchor="ma")
        for row, dish in enumerate(rnd.sample(["宫保鸡丁", "鱼香肉丝", "麻婆豆腐", "清炒时蔬", "酸辣汤", "米饭"], 5)):
            text(d, (150, 130 + row * 70), dish, 32, (30, 30, 30))
            text(d, (650, 130 + row * 70), f"{rnd.randint(8, 68)}元", 32, (30, 30, 30))
    elif what == 2:  # a notice on a wall
        text(d, (PAPER[0] // 2, 60), "温馨提示", 44, (150, 20, 20), bold=True, anchor="ma")
        for row, line in enumerate(["本停车场车位有限", "请按指示停放车辆", "出口处请减速慢行", "谢谢合作"]):
            text(d, (140, 170 + row * 80), line, 36, (30, 30, 30))
    elif what == 3:  # a pet
        d.ellipse([330, 200, 650, 520], fill=(200, 150, 90))
        d.polygon([(360, 250), (400, 120), (450, 230)], fill=(200, 150, 90))
        d.polygon([(530, 230), (580, 120), (620, 250)], fill=(200, 150, 90))
        for x in (430, 550):
            d.ellipse([x - 15, 320, x + 15, 350], fill=(10, 10, 10))
    elif what == 4:  # a hand note
        for row, line in enumerate(["明天上午十点开会", "记得带电脑", "买牛奶和面包"]):
            text(d, (120, 150 + row * 90), line, 40, (20, 20, 80))
    else:  # a landscape with houses
        d.rectangle([0, 380, PAPER[0], PAPER[1]], fill=(60, 140, 60))
        for x in range(80, 900, 220):
            d.rectangle([x, 250, x + 140, 380], fill=(180, 80, 60))
            d.polygon([(x - 10, 250), (x + 70, 180), (x + 150, 250)], fill=(120, 40, 30))
            d.rectangle([x + 50, 310, x + 90, 380], fill=(60, 40, 20))
    return img


def photograph(rnd: random.Random, page: Image.Image, blur: float, darkness: float, quality: int) -> bytes:
    """The page as a phone photo of it on a table: tilted ±5°, lit unevenly, blurred, noisy, JPEG-encoded."""
    table = tuple(rnd.randint(60, 140) for _ in range(3))
    canvas = Image.new("RGB", (PAPER[0] + 80, PAPER[1] + 80), table)
    canvas.paste(page, (40, 40))
    canvas = canvas.rotate(rnd.uniform(-5, 5), resample=Image.Resampling.BICUBIC, fillcolor=table)
    if blur:
        canvas = canvas.filter(ImageFilter.GaussianBlur(blur))
    # A phone photo of a page is about this size once a chat app has sent it; smaller files keep the set small.
    canvas = canvas.resize((canvas.width * 4 // 5, canvas.height * 4 // 5), Image.Resampling.LANCZOS)
    pixels = np.asarray(canvas, dtype=np.float32)
    light = np.linspace(rnd.uniform(0.85, 1.0), rnd.uniform(0.9, 1.05), pixels.shape[1], dtype=np.float32)
    noise = np.random.default_rng(rnd.randint(0, 2**31)).normal(0, rnd.uniform(2, 5), pixels.shape[:2])
    pixels = pixels * light[None, :, None] * darkness + noise[:, :, None].astype(np.float32)
    out = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    out.save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()
