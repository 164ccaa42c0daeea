from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "healthyplaces.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"
