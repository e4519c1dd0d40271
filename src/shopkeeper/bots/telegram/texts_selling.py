"""Default wording of the selling flow (/buy, payments, /status) in en, ru and pl.

Merged into `texts.DEFAULTS` at the end of texts.py; a shop may override any of them.
"""

from __future__ import annotations

SELLING: dict[str, dict[str, str]] = {
    "command.buy": {"en": "Buy a plan", "ru": "Купить тариф", "pl": "Kup plan"},
    "command.status": {"en": "My subscriptions", "ru": "Мои подписки", "pl": "Moje subskrypcje"},
    "buy.choose": {
        "en": "Choose what you would like to buy:",
        "ru": "Выберите, что хотите купить:",
        "pl": "Wybierz, co chcesz kupić:",
    },
    "buy.nothing": {
        "en": "There is nothing on sale right now. Please come back later.",
        "ru": "Сейчас ничего не продаётся. Загляните позже.",
        "pl": "Obecnie nic nie jest w sprzedaży. Zajrzyj później.",
    },
    "buy.unavailable": {
        "en": "This is no longer on sale. /buy shows what is.",
        "ru": "Это больше не продаётся. /buy покажет, что есть.",
        "pl": "To nie jest już w sprzedaży. /buy pokaże, co jest.",
    },
    "buy.period": {"en": "for {period}", "ru": "на {period}", "pl": "na {period}"},
    "buy.trial": {
        "en": "Free trial: {period}",
        "ru": "Бесплатный пробный период: {period}",
        "pl": "Darmowy okres próbny: {period}",
    },
    "buy.price": {"en": "Price: {prices}", "ru": "Цена: {prices}", "pl": "Cena: {prices}"},
    "buy.discounted": {
        "en": "{total} instead of {price}",
        "ru": "{total} вместо {price}",
        "pl": "{total} zamiast {price}",
    },
    "buy.promo_applied": {
        "en": "Promo code {code} applied.",
        "ru": "Промокод {code} применён.",
        "pl": "Kod promocyjny {code} został zastosowany.",
    },
    "buy.promo_button": {
        "en": "🎟 Enter a promo code",
        "ru": "🎟 Ввести промокод",
        "pl": "🎟 Wpisz kod promocyjny",
    },
    "buy.continue_button": {"en": "Continue ➡️", "ru": "Продолжить ➡️", "pl": "Dalej ➡️"},
    "buy.back_button": {"en": "⬅️ Back", "ru": "⬅️ Назад", "pl": "⬅️ Wstecz"},
    "buy.promo_prompt": {
        "en": "Send me your promo code in a message.",
        "ru": "Отправьте промокод сообщением.",
        "pl": "Wyślij mi kod promocyjny w wiadomości.",
    },
    "buy.promo_try_again": {
        "en": "Send another code, or tap Continue to pay the full price.",
        "ru": "Отправьте другой код или нажмите «Продолжить», чтобы оплатить полную цену.",
        "pl": "Wyślij inny kod albo naciśnij „Dalej”, aby zapłacić pełną cenę.",
    },
    "buy.choose_payment": {
        "en": "{name}: how would you like to pay?",
        "ru": "{name}: как вы хотите оплатить?",
        "pl": "{name}: jak chcesz zapłacić?",
    },
    "buy.pay_stars": {
        "en": "⭐ Telegram Stars · {price}",
        "ru": "⭐ Telegram Stars · {price}",
        "pl": "⭐ Telegram Stars · {price}",
    },
    "buy.pay_link": {
        "en": "{gateway} · {price}",
        "ru": "{gateway} · {price}",
        "pl": "{gateway} · {price}",
    },
    "buy.gateway.sandbox": {
        "en": "🧪 Test payment",
        "ru": "🧪 Тестовая оплата",
        "pl": "🧪 Płatność testowa",
    },
    "buy.gateway.stripe": {"en": "💳 Card", "ru": "💳 Карта", "pl": "💳 Karta"},
    "buy.gateway.yookassa": {"en": "💳 YooKassa", "ru": "💳 ЮKassa", "pl": "💳 YooKassa"},
    "buy.gateway.payu": {"en": "💳 PayU", "ru": "💳 PayU", "pl": "💳 PayU"},
    "buy.gateway.przelewy24": {"en": "💳 Przelewy24", "ru": "💳 Przelewy24", "pl": "💳 Przelewy24"},
    "buy.no_payment": {
        "en": "Sorry, this cannot be paid in the bot yet.",
        "ru": "К сожалению, это пока нельзя оплатить в боте.",
        "pl": "Niestety, tego nie można jeszcze opłacić w bocie.",
    },
    "buy.pay_link_text": {
        "en": "Order {number}: {total}.\nTap the button below to pay.",
        "ru": "Заказ {number}: {total}.\nНажмите кнопку ниже, чтобы оплатить.",
        "pl": "Zamówienie {number}: {total}.\nNaciśnij przycisk poniżej, aby zapłacić.",
    },
    "buy.pay_link_plain": {
        "en": "Order {number}: {total}.\nOpen this page to pay: {url}",
        "ru": "Заказ {number}: {total}.\nОткройте эту страницу для оплаты: {url}",
        "pl": "Zamówienie {number}: {total}.\nOtwórz tę stronę, aby zapłacić: {url}",
    },
    "buy.pay_link_button": {"en": "Pay {total}", "ru": "Оплатить {total}", "pl": "Zapłać {total}"},
    "buy.stars_subscription": {
        "en": "Order {number}: {total} every month, renewed by Telegram until you cancel it.\n"
        "Tap the button below to subscribe.",
        "ru": "Заказ {number}: {total} в месяц, Telegram продлевает подписку, пока вы её не "
        "отмените.\nНажмите кнопку ниже, чтобы подписаться.",
        "pl": "Zamówienie {number}: {total} miesięcznie, Telegram odnawia subskrypcję, dopóki "
        "jej nie anulujesz.\nNaciśnij przycisk poniżej, aby ją wykupić.",
    },
    "buy.stars_subscribe_button": {
        "en": "⭐ Subscribe for {total}",
        "ru": "⭐ Подписаться за {total}",
        "pl": "⭐ Subskrybuj za {total}",
    },
    "buy.payment_failed": {
        "en": "The payment could not be started. Please try again or choose another way to pay.",
        "ru": "Не удалось начать оплату. Попробуйте ещё раз или выберите другой способ.",
        "pl": "Nie udało się rozpocząć płatności. Spróbuj ponownie lub wybierz inny sposób.",
    },
    "promo.not_found": {
        "en": "There is no promo code {code}.",
        "ru": "Промокода {code} не существует.",
        "pl": "Nie ma kodu promocyjnego {code}.",
    },
    "promo.inactive": {
        "en": "Promo code {code} is no longer active.",
        "ru": "Промокод {code} больше не действует.",
        "pl": "Kod promocyjny {code} nie jest już aktywny.",
    },
    "promo.not_yet_valid": {
        "en": "Promo code {code} is not valid yet.",
        "ru": "Промокод {code} ещё не действует.",
        "pl": "Kod promocyjny {code} jeszcze nie obowiązuje.",
    },
    "promo.expired": {
        "en": "Promo code {code} has expired.",
        "ru": "Срок действия промокода {code} истёк.",
        "pl": "Kod promocyjny {code} wygasł.",
    },
    "promo.exhausted": {
        "en": "Promo code {code} has been used up.",
        "ru": "Промокод {code} уже исчерпан.",
        "pl": "Kod promocyjny {code} został już wykorzystany.",
    },
    "promo.customer_limit": {
        "en": "You have already used promo code {code}.",
        "ru": "Вы уже использовали промокод {code}.",
        "pl": "Kod promocyjny {code} został już przez Ciebie użyty.",
    },
    "promo.not_applicable": {
        "en": "Promo code {code} does not apply to this purchase.",
        "ru": "Промокод {code} не подходит для этой покупки.",
        "pl": "Kod promocyjny {code} nie dotyczy tego zakupu.",
    },
    "promo.below_minimum": {
        "en": "Promo code {code} needs a larger order.",
        "ru": "Для промокода {code} нужна бо́льшая сумма заказа.",
        "pl": "Kod promocyjny {code} wymaga większego zamówienia.",
    },
    "promo.first_purchase": {
        "en": "Promo code {code} is for a first purchase only.",
        "ru": "Промокод {code} действует только на первую покупку.",
        "pl": "Kod promocyjny {code} dotyczy tylko pierwszego zakupu.",
    },
    "promo.not_yours": {
        "en": "Promo code {code} was made for someone else.",
        "ru": "Промокод {code} выдан другому покупателю.",
        "pl": "Kod promocyjny {code} został wydany komuś innemu.",
    },
    "promo.invalid": {
        "en": "Promo code {code} cannot be used.",
        "ru": "Промокод {code} нельзя использовать.",
        "pl": "Kodu promocyjnego {code} nie można użyć.",
    },
    "pay.thanks": {
        "en": "Thank you! Your payment for order {number} is received. Your access is on its way.",
        "ru": "Спасибо! Оплата заказа {number} получена. Доступ скоро придёт.",
        "pl": "Dziękujemy! Płatność za zamówienie {number} otrzymana. Dostęp jest w drodze.",
    },
    "pay.renewed": {
        "en": "Thank you! Your subscription is renewed (order {number}).",
        "ru": "Спасибо! Подписка продлена (заказ {number}).",
        "pl": "Dziękujemy! Subskrypcja została odnowiona (zamówienie {number}).",
    },
    "pay.unmatched": {
        "en": "We received your payment but could not match it to an order. Please contact the "
        "shop: your money is safe.",
        "ru": "Мы получили оплату, но не смогли сопоставить её с заказом. Свяжитесь с магазином: "
        "ваши деньги не пропадут.",
        "pl": "Otrzymaliśmy płatność, ale nie udało się dopasować jej do zamówienia. Skontaktuj "
        "się ze sklepem: Twoje pieniądze są bezpieczne.",
    },
    "pay.invoice_unknown": {
        "en": "This invoice is no longer valid. Please start again with /buy.",
        "ru": "Этот счёт больше не действителен. Начните заново: /buy.",
        "pl": "Ta faktura jest już nieważna. Zacznij od nowa: /buy.",
    },
    "pay.invoice_used": {
        "en": "This invoice is already paid or cancelled. Please start again with /buy.",
        "ru": "Этот счёт уже оплачен или отменён. Начните заново: /buy.",
        "pl": "Ta faktura jest już opłacona lub anulowana. Zacznij od nowa: /buy.",
    },
    "pay.invoice_changed": {
        "en": "The price has changed. Please start again with /buy.",
        "ru": "Цена изменилась. Начните заново: /buy.",
        "pl": "Cena się zmieniła. Zacznij od nowa: /buy.",
    },
    "pay.order_closed": {
        "en": "This order can no longer be paid. Please start again with /buy.",
        "ru": "Этот заказ больше нельзя оплатить. Начните заново: /buy.",
        "pl": "Tego zamówienia nie można już opłacić. Zacznij od nowa: /buy.",
    },
    "status.none": {
        "en": "You have no subscriptions yet. Choose a plan with /buy.",
        "ru": "У вас пока нет подписок. Выберите тариф: /buy.",
        "pl": "Nie masz jeszcze subskrypcji. Wybierz plan: /buy.",
    },
    "status.header": {
        "en": "Your subscriptions:",
        "ru": "Ваши подписки:",
        "pl": "Twoje subskrypcje:",
    },
    "status.item": {
        "en": "{plan} — {status}\nUntil {end} ({left} left)",
        "ru": "{plan} — {status}\nДо {end} (осталось {left})",
        "pl": "{plan} — {status}\nDo {end} (zostało {left})",
    },
    "status.state.trialing": {"en": "free trial", "ru": "пробный период", "pl": "okres próbny"},
    "status.state.active": {"en": "active", "ru": "активна", "pl": "aktywna"},
    "status.state.past_due": {
        "en": "payment due",
        "ru": "ожидает оплаты",
        "pl": "oczekuje na płatność",
    },
    "status.state.canceled": {"en": "cancelled", "ru": "отменена", "pl": "anulowana"},
    "status.state.expired": {"en": "expired", "ru": "истекла", "pl": "wygasła"},
    "status.cancels": {
        "en": "Cancels at period end: it will not be renewed.",
        "ru": "Отменяется в конце периода: продления не будет.",
        "pl": "Anulowana z końcem okresu: nie zostanie odnowiona.",
    },
    "status.grace": {
        "en": "Access stays until {end} while the payment is due.",
        "ru": "Доступ сохраняется до {end}, пока ожидается оплата.",
        "pl": "Dostęp pozostaje do {end}, dopóki płatność oczekuje.",
    },
    "status.renew_button": {
        "en": "🔁 Renew {plan}",
        "ru": "🔁 Продлить {plan}",
        "pl": "🔁 Odnów {plan}",
    },
    "status.cancel_button": {
        "en": "✖️ Cancel {plan} at period end",
        "ru": "✖️ Отменить {plan} в конце периода",
        "pl": "✖️ Anuluj {plan} z końcem okresu",
    },
    "status.resume_button": {
        "en": "▶️ Resume {plan}",
        "ru": "▶️ Возобновить {plan}",
        "pl": "▶️ Wznów {plan}",
    },
    "status.cancelled": {
        "en": "Done: {plan} ends on {end} and will not be renewed.",
        "ru": "Готово: {plan} закончится {end} и не будет продлена.",
        "pl": "Gotowe: {plan} kończy się {end} i nie zostanie odnowiony.",
    },
    "status.resumed": {
        "en": "Done: {plan} continues.",
        "ru": "Готово: {plan} продолжается.",
        "pl": "Gotowe: {plan} trwa dalej.",
    },
}
