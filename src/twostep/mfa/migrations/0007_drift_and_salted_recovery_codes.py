"""The app's clock offset per authenticator, and recovery codes stored with Argon2id.

Authenticators set up before start at offset 0 (what the sign-in assumed: our own step) and learn theirs at
their next codes. Recovery codes issued before keep their HMAC-SHA256: a hash cannot be rehashed without the
code, so they work as before until used or replaced by a new set; new sets are stored with Argon2id.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mfa', '0006_accounthold_lift_identity_check'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='authenticator',
            name='clock_drift',
            field=models.SmallIntegerField(blank=True, help_text='The offset in time steps that code showed, while a later code may confirm it.', null=True),
        ),
        migrations.AddField(
            model_name='authenticator',
            name='clock_step',
            field=models.BigIntegerField(blank=True, help_text="Time step of the last code answered with 'your phone's clock is off'; never accepted.", null=True),
        ),
        migrations.AddField(
            model_name='authenticator',
            name='drift',
            field=models.SmallIntegerField(default=0, help_text="Time steps the app's clock is ahead of ours (< 0: behind), learned at setup and at sign-ins."),
        ),
        migrations.AlterField(
            model_name='recoverycode',
            name='code_hash',
            field=models.CharField(help_text='Argon2id hash (PHC string, its own random salt) of the normalized code; 64 hex digits: the HMAC-SHA256 of an older code.', max_length=128),
        ),
        migrations.AddConstraint(
            model_name='authenticator',
            constraint=models.CheckConstraint(condition=models.Q(('drift__gte', -10), ('drift__lte', 10)), name='authenticator_drift_in_band'),
        ),
    ]
