"""The words printed on an invoice, in the shop's default language (en, pl, ru)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "invoice": "Invoice", "receipt": "Receipt", "number": "No.", "order": "Order",
        "issued": "Issue date", "sold": "Sale date", "seller": "Seller", "buyer": "Buyer",
        "tax_id": "Tax ID", "item": "Item", "qty": "Qty", "unit": "Unit price",
        "discount": "Discount", "rate": "Tax rate", "tax": "Tax", "total": "Total",
        "net": "Net", "gross": "Gross", "subtotal": "Subtotal", "shipping": "Shipping",
        "to_pay": "Total paid", "taxes": "Tax summary",
    },
    "pl": {
        "invoice": "Faktura VAT", "receipt": "Paragon", "number": "Nr", "order": "Zamówienie",
        "issued": "Data wystawienia", "sold": "Data sprzedaży", "seller": "Sprzedawca",
        "buyer": "Nabywca", "tax_id": "NIP", "item": "Nazwa", "qty": "Ilość",
        "unit": "Cena jedn.", "discount": "Rabat", "rate": "Stawka VAT", "tax": "VAT",
        "total": "Wartość", "net": "Netto", "gross": "Brutto", "subtotal": "Suma",
        "shipping": "Dostawa", "to_pay": "Zapłacono", "taxes": "Podsumowanie VAT",
    },
    "ru": {
        "invoice": "Счёт-фактура", "receipt": "Квитанция", "number": "№", "order": "Заказ",
        "issued": "Дата выставления", "sold": "Дата продажи", "seller": "Продавец",
        "buyer": "Покупатель", "tax_id": "ИНН", "item": "Наименование", "qty": "Кол-во",
        "unit": "Цена", "discount": "Скидка", "rate": "Ставка НДС", "tax": "НДС",
        "total": "Сумма", "net": "Без НДС", "gross": "С НДС", "subtotal": "Итого",
        "shipping": "Доставка", "to_pay": "Оплачено", "taxes": "НДС по ставкам",
    },
}  # fmt: skip


def labels(language: str) -> dict[str, str]:
    """The language's words; English for any other."""
    return LABELS.get(language, LABELS["en"])
