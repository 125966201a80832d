"""Encrypt Child.fnr at rest (issue 8): the column becomes text holding ``fernet:<token>``,
and every existing fødselsnummer is encrypted in place. Reversible: decrypts again."""

from django.db import migrations

import bti.fields


def encrypt_existing(apps, schema_editor):
    bti.fields.rewrite_column(schema_editor.connection, "cases_child", "fnr", bti.fields.rotate)


def decrypt_existing(apps, schema_editor):
    bti.fields.rewrite_column(schema_editor.connection, "cases_child", "fnr", bti.fields.decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="child",
            name="fnr",
            field=bti.fields.EncryptedTextField(blank=True, verbose_name="fødselsnummer eller D-nummer"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing, elidable=False),
    ]
