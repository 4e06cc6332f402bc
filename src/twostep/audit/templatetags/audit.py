"""``{% load audit %}``: ``{{ event.action|action_label }}`` and ``{{ event.detail|detail_summary }}``."""

from django import template

from twostep.audit import labels

register = template.Library()
register.filter("action_label", labels.label)
register.filter("detail_summary", labels.summary)
