"""The demo region's made-up people (``make run`` only): Russian names with their feminine forms and
valid but invented SNILS numbers, shared by the services whose demo writes people (contingent's pupils,
parents and staff; enrolment's applicants and their children).

Surnames end in -ов, -ев, -ин, so the feminine form adds «а» (Иванов / Иванова); a man's first name comes
with the patronymics it gives his son and his daughter (Сергей: Сергеевич, Сергеевна).
"""

from __future__ import annotations

from eschool.common.snils import snils_checksum

SURNAMES = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
    "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
    "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
    "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Белов",
)  # fmt: skip
MEN = (
    ("Александр", "Александрович", "Александровна"), ("Дмитрий", "Дмитриевич", "Дмитриевна"),
    ("Сергей", "Сергеевич", "Сергеевна"), ("Андрей", "Андреевич", "Андреевна"),
    ("Алексей", "Алексеевич", "Алексеевна"), ("Михаил", "Михайлович", "Михайловна"),
    ("Николай", "Николаевич", "Николаевна"), ("Евгений", "Евгеньевич", "Евгеньевна"),
    ("Иван", "Иванович", "Ивановна"), ("Олег", "Олегович", "Олеговна"), ("Игорь", "Игоревич", "Игоревна"),
    ("Павел", "Павлович", "Павловна"), ("Владимир", "Владимирович", "Владимировна"),
    ("Юрий", "Юрьевич", "Юрьевна"), ("Роман", "Романович", "Романовна"),
    ("Виктор", "Викторович", "Викторовна"), ("Илья", "Ильич", "Ильинична"),
)  # fmt: skip
WOMEN = (
    "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Юлия", "Анна", "Екатерина", "Марина",
    "Анастасия", "Оксана", "Людмила", "Надежда",
)  # fmt: skip
BOYS = (
    "Артём", "Максим", "Кирилл", "Матвей", "Егор", "Никита", "Тимофей", "Даниил", "Марк", "Лев",
    "Александр", "Дмитрий", "Михаил", "Иван", "Роман", "Илья",
)  # fmt: skip
GIRLS = (
    "Анна", "Мария", "София", "Дарья", "Алиса", "Полина", "Варвара", "Виктория", "Ксения", "Екатерина",
    "Анастасия", "Вероника", "Елизавета", "Ульяна",
)  # fmt: skip


def surname_for(surname: str, sex: str) -> str:
    """The surname as a man (``male``) or a woman (``female``) bears it."""
    return surname + "а" if sex == "female" else surname


def demo_snils(kind: int, school_no: int, seq: int) -> str:
    """A valid demo SNILS, unique by construction: the first digit says what the person is (each
    service's demo keeps its own digits), the second which school, then a sequence number (below 10^7)."""
    first_nine = f"{kind}{school_no}{seq:07d}"
    return f"{first_nine}{snils_checksum(first_nine):02d}"
