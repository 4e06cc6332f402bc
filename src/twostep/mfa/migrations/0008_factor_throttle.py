# The back-off of wrong codes moves from the Authenticator row to one row per user that every second factor
# shares (twostep.mfa.lockout). Today's counts, waits and locks are carried over from the confirmed
# authenticators (an unconfirmed one never verified anything, so it counted nothing); going back puts them on
# the confirmed authenticator again.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q


def carry_over(apps, schema_editor):
    Authenticator = apps.get_model("mfa", "Authenticator")
    FactorThrottle = apps.get_model("mfa", "FactorThrottle")
    counting = (Authenticator.objects.filter(confirmed_at__isnull=False)
                .filter(Q(failed_attempts__gt=0) | Q(throttled_until__isnull=False) | Q(locked_at__isnull=False))
                .values_list("user_id", "failed_attempts", "throttled_until", "locked_at"))
    FactorThrottle.objects.bulk_create(
        FactorThrottle(user_id=user_id, failures=failures, throttled_until=until, locked_at=locked)
        for user_id, failures, until, locked in counting.iterator(chunk_size=1000))


def carry_back(apps, schema_editor):
    Authenticator = apps.get_model("mfa", "Authenticator")
    FactorThrottle = apps.get_model("mfa", "FactorThrottle")
    for row in FactorThrottle.objects.iterator(chunk_size=1000):
        Authenticator.objects.filter(user_id=row.user_id, confirmed_at__isnull=False).update(
            failed_attempts=row.failures, throttled_until=row.throttled_until, locked_at=row.locked_at)


class Migration(migrations.Migration):

    dependencies = [
        ('mfa', '0007_drift_and_salted_recovery_codes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FactorThrottle',
            fields=[
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='factor_throttle', serialize=False, to=settings.AUTH_USER_MODEL)),
                ('failures', models.PositiveIntegerField(default=0, help_text='Consecutive wrong codes, of any second factor.')),
                ('throttled_until', models.DateTimeField(blank=True, help_text='No code is checked before this.', null=True)),
                ('locked_at', models.DateTimeField(blank=True, help_text='Since then no code is checked at all, until support resets MFA.', null=True)),
            ],
            options={
                'verbose_name': 'second-factor lockout',
            },
        ),
        migrations.RunPython(carry_over, carry_back, elidable=False),
        migrations.RemoveField(
            model_name='authenticator',
            name='failed_attempts',
        ),
        migrations.RemoveField(
            model_name='authenticator',
            name='locked_at',
        ),
        migrations.RemoveField(
            model_name='authenticator',
            name='throttled_until',
        ),
    ]
