"""What the demo firm sells and where its customers live: models with their own faults and parts,
streets in each store's city, mobile prefixes the carriers really issue.

Kept apart from ``sample`` so the book's shape and its contents can be read (and changed) alone.
"""

from __future__ import annotations

from dataclasses import dataclass

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘"
GIVEN = (
    "伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 建华 志强 海燕 晓东"
).split()

# China Mobile, Unicom and Telecom prefixes in everyday use (no 140s data-only or 17x virtual).
MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 147 150 151 152 153 155 156 157 158 159 "
    "166 176 177 178 180 181 182 183 184 185 186 187 188 189 191 198 199"
).split()

# store -> (city, streets a customer of that store lives on)
CITIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "S01": ("北京市", ("朝阳区建国路", "朝阳区望京街", "朝阳区朝阳北路", "东城区东直门南大街")),
    "S02": ("上海市", ("浦东新区张杨路", "浦东新区世纪大道", "浦东新区金桥路", "徐汇区漕溪北路")),
    "S03": ("广州市", ("天河区天河路", "天河区体育西路", "天河区中山大道", "越秀区中山五路")),
}

# store -> the firms holding a service contract with it
CONTRACT_CUSTOMERS: dict[str, tuple[str, ...]] = {
    "S01": ("朝阳区阳光物业", "望京SOHO物业", "建国门商务酒店", "朝阳实验小学"),
    "S02": ("浦东金桥酒店", "张江高科园区", "陆家嘴商务公寓", "浦东新区图书馆"),
    "S03": ("天河城商务公寓", "越秀区星河餐饮", "体育西路写字楼", "天河区第一中学"),
}


@dataclass(frozen=True)
class Product:
    """A model, the faults its owners call about, and the parts its repairs use (by part_no)."""

    model: str
    faults: tuple[str, ...]
    parts: tuple[str, ...]


PRODUCTS = (
    Product(
        "格力 KFR-35GW/NhGc1B",
        ("空调不制冷", "空调外机不启动", "空调制热效果差"),
        ("P-CAP-35", "P-MB-268", "P-FAN-150"),
    ),
    Product(
        "美的 KFR-26GW/N8MJA3",
        ("室内机漏水", "空调不制冷", "遥控器无反应"),
        ("P-DRN-15", "P-CAP-35", "P-MB-268"),
    ),
    Product(
        "海尔 BCD-470WDPG",
        ("冰箱冷藏室不冷", "冰箱结霜严重", "冰箱噪音大"),
        ("P-THM-12", "P-SEAL-60", "P-FAN-150"),
    ),
    Product(
        "小天鹅 TG100V120WDG",
        ("洗衣机不排水", "洗衣机脱水时抖动", "洗衣机门打不开"),
        ("P-PMP-09", "P-LCK-38", "P-MB-268"),
    ),
    Product(
        "方太 CXW-258-EMD1T",
        ("油烟机噪音大", "油烟机吸力弱", "油烟机按键失灵"),
        ("P-FAN-150", "P-KEY-40"),
    ),
    Product(
        "华帝 i11083",
        ("燃气灶打不着火", "燃气灶熄火保护失灵"),
        ("P-IGN-22", "P-TC-18"),
    ),
    Product(
        "海信 HZ65E3D",
        ("电视无信号显示", "电视黑屏有声音", "电视无法开机"),
        ("P-TV-MB-420", "P-PSU-180"),
    ),
    Product(
        "美的 F6032-JE6",
        ("热水器显示E4故障码", "热水器不加热", "热水器漏水"),
        ("P-HTR-110", "P-THM-12", "P-VLV-45"),
    ),
)

# part_no -> (name, unit cost)
PARTS: dict[str, tuple[str, str]] = {
    "P-CAP-35": ("启动电容", "35"),
    "P-MB-268": ("主控板", "268"),
    "P-FAN-150": ("风扇电机", "150"),
    "P-DRN-15": ("排水管", "15"),
    "P-THM-12": ("温控器", "45"),
    "P-SEAL-60": ("门封条", "58"),
    "P-PMP-09": ("排水泵", "86.5"),
    "P-LCK-38": ("门锁开关", "38"),
    "P-KEY-40": ("按键板", "40"),
    "P-IGN-22": ("点火针", "22"),
    "P-TC-18": ("热电偶", "18"),
    "P-TV-MB-420": ("电视主板", "420"),
    "P-PSU-180": ("电源板", "180"),
    "P-HTR-110": ("加热管", "110"),
    "P-VLV-45": ("安全阀", "45"),
}
