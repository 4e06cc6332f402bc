"""Every account gets its canonical address and its look-alike key (Unicode TR39 skeleton, unique).

Accounts that cannot have one (an address now refused, or one that looks the same as another account's)
are left without a key and listed here; ``twostep check --database default`` lists them until they are
resolved (README, *Look-alike addresses*).
"""

import sys

from django.db import migrations, models

import twostep.accounts.models


def fill_skeletons(apps, schema_editor):
    from twostep.accounts.skeletons import assign_skeletons

    problems = assign_skeletons(apps.get_model("accounts", "User"))
    if problems:
        sys.stdout.write(f"\n  accounts.0003: {len(problems)} accounts were left without a look-alike key:\n")
        for problem in problems:
            sys.stdout.write(f"    {problem}\n")
        sys.stdout.write("  Resolve them as README, *Look-alike addresses* says; until then "
                         "`twostep check --database default` lists them.\n")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_user_session_epoch'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='email_skeleton',
            field=models.CharField(editable=False, max_length=1024, null=True, verbose_name='look-alike key'),
        ),
        # For the fill's look-ups only; the unique constraint below brings its own index.
        migrations.AddIndex(
            model_name='user',
            index=models.Index(fields=['email_skeleton'], name='accounts_user_skel_fill'),
        ),
        migrations.AlterField(
            model_name='user',
            name='email',
            field=models.EmailField(max_length=254, unique=True,
                                    validators=[twostep.accounts.models.validate_address],
                                    verbose_name='e-mail address'),
        ),
        migrations.RunPython(fill_skeletons, migrations.RunPython.noop, elidable=False),
        migrations.RemoveIndex(model_name='user', name='accounts_user_skel_fill'),
        migrations.AlterField(
            model_name='user',
            name='email_skeleton',
            field=models.CharField(editable=False, help_text='Unicode TR39 skeleton of the address; empty while the address is refused or looks the same as another account\'s (see `twostep check --database default`).', max_length=1024, null=True, unique=True, verbose_name='look-alike key'),
        ),
    ]
