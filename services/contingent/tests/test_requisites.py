"""The card's rules: names, ИНН and ОГРН with their check digits, ОКАТО, ОКТМО, time zone, contacts;
alone (no I/O), then through the API, where each refusal is a 422 naming the field and ИНН and ОГРН
are unique even when two cards race for one."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from eschool.common.auth import Role
from eschool.contingent.db.repositories import OrgUnits
from eschool.contingent.domain.requisites import (
    CardInvalid,
    clean_card,
    inn_check_digit_ok,
    is_time_zone,
    ogrn_check_digit_ok,
)

from .conftest import As

URL = "/v1/org-units"
# Real organizations' requisites (Сбербанк, Газпром, Яндекс), checked by the tax service's rules.
GOOD_INNS = ["7707083893", "7736050003", "7736207543"]
GOOD_OGRNS = ["1027700132195", "1027700070518", "1027700229193"]


def refusal(field: str, value: str | None) -> tuple[str, str]:
    """The code and detail ``clean_card`` gives for one bad field."""
    with pytest.raises(CardInvalid) as caught:
        clean_card({field: value})
    [error] = caught.value.errors
    assert error.field == field
    return error.code, error.detail


@pytest.mark.parametrize("inn", GOOD_INNS)
def test_good_inn_passes(inn: str) -> None:
    assert inn_check_digit_ok(inn)
    assert clean_card({"inn": f"  {inn} "}) == {"inn": inn}


@pytest.mark.parametrize(
    ("inn", "code"),
    [
        ("7707083894", "inn_checksum"),  # the last digit off by one
        ("7707083839", "inn_checksum"),  # two digits swapped
        ("770708389", "invalid_inn"),
        ("770708389312", "invalid_inn"),  # a person's 12 digits: not an organization's
        ("77070838-3", "invalid_inn"),
        ("７７０７０８３８９３", "invalid_inn"),  # full-width digits pass str.isdigit(), not the card
    ],
)
def test_bad_inn_is_refused(inn: str, code: str) -> None:
    assert refusal("inn", inn)[0] == code


@pytest.mark.parametrize("ogrn", GOOD_OGRNS)
def test_good_ogrn_passes(ogrn: str) -> None:
    assert ogrn_check_digit_ok(ogrn)
    assert clean_card({"ogrn": ogrn}) == {"ogrn": ogrn}


@pytest.mark.parametrize(
    ("ogrn", "code"),
    [
        ("1027700132196", "ogrn_checksum"),
        ("102770013219", "invalid_ogrn"),
        ("304500116000157", "invalid_ogrn"),
    ],
)
def test_bad_ogrn_is_refused(ogrn: str, code: str) -> None:
    assert refusal("ogrn", ogrn)[0] == code


def test_okato_and_oktmo_are_digits_of_their_lengths() -> None:
    assert clean_card({"okato": "17401000000", "oktmo": "17701000"}) == {
        "okato": "17401000000",
        "oktmo": "17701000",
    }
    assert clean_card({"okato": "17", "oktmo": "17701000001"})["oktmo"] == "17701000001"
    for okato in ("174010000001", "17 401", "17a"):
        assert refusal("okato", okato)[0] == "invalid_okato"
    for oktmo in ("177010000", "1770100", "1770100000a"):
        assert refusal("oktmo", oktmo)[0] == "invalid_oktmo"


def test_time_zone_is_an_iana_name() -> None:
    assert is_time_zone("Europe/Moscow")
    assert is_time_zone("Asia/Bishkek")
    for name in ("Mars/Olympus", "europe/moscow", "../../etc/passwd", "MSK+3"):
        assert refusal("time_zone", name)[0] == "invalid_time_zone", name
    assert refusal("time_zone", "  ")[0] == "required"


def test_names_are_required_trimmed_and_limited() -> None:
    assert clean_card({"full_name": "  МБОУ\n «СОШ   №1» "}) == {"full_name": "МБОУ «СОШ №1»"}
    assert refusal("short_name", "")[0] == "required"
    assert refusal("short_name", None)[0] == "required"
    code, detail = refusal("short_name", "Я" * 201)
    assert code == "too_long"
    assert "200" in detail
    assert refusal("full_name", "Школа\x00")[0] == "invalid_characters"


def test_contacts() -> None:
    good = {
        "phone": "+7 (4922) 32-45-67 доб. 12",
        "email": "school1@образование33.рф",
        "website": "school1.ru",
    }
    assert clean_card(good) == good | {"website": "https://school1.ru"}
    assert clean_card({"website": "http://школа1.рф/о-нас"})["website"] == "http://школа1.рф/о-нас"
    assert clean_card({"email": "", "phone": "  "}) == {"email": None, "phone": None}
    for phone in ("позвоните директору", "12", "+7 4922 32 45 67 88 99 00 11 22 33"):
        assert refusal("phone", phone)[0] == "invalid_phone", phone
    for email in ("school1", "school1@", "@obr33.ru", "a@b", "a b@obr33.ru"):
        assert refusal("email", email)[0] == "invalid_email", email
    for site in ("ftp://school1.ru", "https://", "school 1.ru", "localhost", "javascript:alert(1)"):
        assert refusal("website", site)[0] == "invalid_website", site


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(CardInvalid) as caught:
        clean_card({"inn": "1", "email": "x", "short_name": "Школа"})
    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("inn", "invalid_inn"),
        ("email", "invalid_email"),
    ]


# --- through the API ---------------------------------------------------------------------------------------


@pytest.fixture
async def rayon(api: httpx.AsyncClient, as_: As) -> tuple[uuid.UUID, dict[str, str]]:
    """A municipality under a fresh region, and the ministry's headers."""
    ministry = as_(Role.ministry, uuid.uuid4())
    region = await api.post(
        URL, json={"kind": "region", "full_name": "Область", "short_name": "Обл."}, headers=ministry
    )
    municipality = {"kind": "municipality", "parent_id": region.json()["org_unit_id"]}
    created = await api.post(
        URL, json=municipality | {"full_name": "Район", "short_name": "Р-н"}, headers=ministry
    )
    assert created.status_code == 201, created.text
    return uuid.UUID(created.json()["org_unit_id"]), ministry


def school(rayon_id: uuid.UUID, **fields: Any) -> dict[str, Any]:
    name = "Школа " + uuid.uuid4().hex[:6]
    return {"kind": "school", "parent_id": str(rayon_id), "full_name": name, "short_name": name, **fields}


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("inn", "7707083894", "inn_checksum"),
        ("ogrn", "1027700132196", "ogrn_checksum"),
        ("okato", "1740100000012", "invalid_okato"),
        ("oktmo", "177010", "invalid_oktmo"),
        ("time_zone", "Europe/Vladimir", "invalid_time_zone"),
        ("email", "school1@", "invalid_email"),
        ("short_name", "   ", "required"),
    ],
)
async def test_a_bad_field_is_a_422_naming_it(
    api: httpx.AsyncClient, rayon: tuple[uuid.UUID, dict[str, str]], field: str, value: str, code: str
) -> None:
    rayon_id, ministry = rayon
    response = await api.post(URL, json=school(rayon_id, **{field: value}), headers=ministry)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == code
    [error] = problem["errors"]
    assert (error["field"], error["code"]) == (f"body.{field}", code)
    assert any("а" <= ch <= "я" for ch in error["detail"].lower())  # written for people, in Russian
    # A change is checked the same way, and nothing is written.
    created = await api.post(URL, json=school(rayon_id), headers=ministry)
    unit = created.json()["org_unit_id"]
    changed = await api.patch(f"{URL}/{unit}", json={"version": 1, field: value}, headers=ministry)
    assert (changed.status_code, changed.json()["errors"][0]["field"]) == (422, f"body.{field}")
    assert (await api.get(f"{URL}/{unit}", headers=ministry)).json()["version"] == 1


async def test_several_bad_fields_are_named_together(
    api: httpx.AsyncClient, rayon: tuple[uuid.UUID, dict[str, str]]
) -> None:
    rayon_id, ministry = rayon
    response = await api.post(URL, json=school(rayon_id, inn="123", website="ftp://x.ru"), headers=ministry)
    assert (response.status_code, response.json()["code"]) == (422, "validation_error")
    assert [e["field"] for e in response.json()["errors"]] == ["body.inn", "body.website"]


async def test_inn_and_ogrn_are_unique(
    api: httpx.AsyncClient, rayon: tuple[uuid.UUID, dict[str, str]]
) -> None:
    rayon_id, ministry = rayon
    first = await api.post(URL, json=school(rayon_id, inn=GOOD_INNS[0], ogrn=GOOD_OGRNS[0]), headers=ministry)
    assert first.status_code == 201, first.text
    assert first.json()["requisites"] == {
        "inn": GOOD_INNS[0],
        "ogrn": GOOD_OGRNS[0],
        "okato": None,
        "oktmo": None,
    }
    twin = await api.post(URL, json=school(rayon_id, inn=GOOD_INNS[0]), headers=ministry)
    assert twin.status_code == 409
    assert (twin.json()["code"], twin.json()["errors"][0]["field"]) == ("inn_taken", "body.inn")
    other = (await api.post(URL, json=school(rayon_id, inn=GOOD_INNS[1]), headers=ministry)).json()
    clash = await api.patch(
        f"{URL}/{other['org_unit_id']}", json={"version": 1, "ogrn": GOOD_OGRNS[0]}, headers=ministry
    )
    assert (clash.status_code, clash.json()["errors"][0]["field"]) == (409, "body.ogrn")
    # Its own value again is no clash.
    own = await api.patch(
        f"{URL}/{first.json()['org_unit_id']}", json={"version": 1, "inn": GOOD_INNS[0]}, headers=ministry
    )
    assert own.status_code == 200


async def test_the_database_refuses_a_duplicate_the_check_missed(
    api: httpx.AsyncClient, rayon: tuple[uuid.UUID, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    rayon_id, ministry = rayon
    assert (
        await api.post(URL, json=school(rayon_id, ogrn=GOOD_OGRNS[1]), headers=ministry)
    ).status_code == 201

    async def raced(*_args: object, **_kwargs: object) -> bool:
        return False  # as if the other card was committed right after the check

    monkeypatch.setattr(OrgUnits, "holds", raced)
    twin = await api.post(URL, json=school(rayon_id, ogrn=GOOD_OGRNS[1]), headers=ministry)
    assert twin.status_code == 409, twin.text
    assert (twin.json()["code"], twin.json()["errors"][0]["field"]) == ("ogrn_taken", "body.ogrn")
    monkeypatch.setattr(OrgUnits, "exists", raced)
    region = await api.post(
        URL, json={"kind": "region", "full_name": "Ещё", "short_name": "Ещё"}, headers=ministry
    )
    assert (region.status_code, region.json()["code"]) == (409, "region_exists")
