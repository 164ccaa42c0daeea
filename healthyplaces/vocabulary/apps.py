from django.apps import AppConfig


class VocabularyConfig(AppConfig):
    name = "healthyplaces.vocabulary"
    label = "vocabulary"
    verbose_name = "Shared vocabulary"
