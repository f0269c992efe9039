"""Documents' public identifiers (slug), department contact details and contact persons,
editorial notes worded by what they do, and the text after a document's measures.

The slug is added empty, given to the existing documents as the importer gives it to a new
one (``PolicyDocument.new_slug``: city slug and year of issue, the curated
year of an undated draft from fixtures/errata.toml, a suffix when a city has two documents of
a year), then made unique and required.
"""

import tomllib
from pathlib import Path

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SLUG_HELP = "公开的稳定标识，如 anshan-2023（城市标识-发布年份）；导入程序新建时设定，此后不变"


def curated_years() -> dict[str, int]:
    """{source file: year} of the undated documents (errata.toml ``[[document]] year``)."""
    path = Path(settings.BASE_DIR) / "fixtures" / "errata.toml"
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("document", [])
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return {entry["source"]: entry["year"] for entry in entries if entry.get("year")}


def give_slugs(apps, schema_editor):
    PolicyDocument = apps.get_model("policies", "PolicyDocument")
    years = curated_years()
    taken = set()
    documents = PolicyDocument._base_manager.select_related("city").order_by("source")
    for document in documents:
        year = (
            (document.issued_on.year if document.issued_on else None)
            or years.get(document.source)
            or (document.captured_on.year if document.captured_on else None)
        )
        base = f"{document.city.slug}-{year}" if year else f"{document.city.slug}-undated"
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        document.slug = slug
        document.save(update_fields=["slug"])


def word_notes(apps, schema_editor):
    """A note without a correction only notes the damage (照录); the next import words the
    others and places every note."""
    EditorialNote = apps.get_model("policies", "EditorialNote")
    EditorialNote._base_manager.filter(correction="").update(kind="keep")


class Migration(migrations.Migration):

    dependencies = [
        ('policies', '0008_retirement'),
    ]

    operations = [
        migrations.AddField(
            model_name='city',
            name='phone_area_code',
            field=models.CharField(blank=True, help_text='如 0412；文件所列固定电话不带区号，拨号链接据此补全（fixtures/cities.toml）', max_length=6, verbose_name='电话区号'),
        ),
        migrations.AddField(
            model_name='department',
            name='address',
            field=models.CharField(blank=True, max_length=200, verbose_name='办公地址'),
        ),
        migrations.AddField(
            model_name='department',
            name='email',
            field=models.EmailField(blank=True, max_length=254, verbose_name='电子邮箱'),
        ),
        migrations.AddField(
            model_name='department',
            name='office_hours',
            field=models.CharField(blank=True, max_length=100, verbose_name='办公时间'),
        ),
        migrations.AddField(
            model_name='department',
            name='phone',
            field=models.CharField(blank=True, help_text='多个号码用“、”分隔', max_length=100, verbose_name='联系电话'),
        ),
        migrations.AddField(
            model_name='department',
            name='website',
            field=models.URLField(blank=True, verbose_name='网站'),
        ),
        migrations.AddField(
            model_name='editorialnote',
            name='anchor',
            field=models.CharField(blank=True, help_text='整理后正文中标注校注的文字（校正后的文字，或照录的原文）', max_length=200, verbose_name='校注位置'),
        ),
        migrations.AddField(
            model_name='editorialnote',
            name='change',
            field=models.CharField(blank=True, help_text='删除或补字时，删去或补入的文字', max_length=100, verbose_name='增删的文字'),
        ),
        migrations.AddField(
            model_name='editorialnote',
            name='kind',
            field=models.CharField(choices=[('replace', '校正'), ('delete', '删除'), ('insert', '补字'), ('keep', '照录')], default='replace', max_length=8, verbose_name='校注类型'),
        ),
        migrations.AddField(
            model_name='policydocument',
            name='closing_text',
            field=models.TextField(blank=True, help_text='末条措施之后的正文（施行日期等），由导入程序读取', verbose_name='结尾'),
        ),
        migrations.AddField(
            model_name='policydocument',
            name='slug',
            field=models.SlugField(db_index=False, editable=False, help_text=SLUG_HELP, max_length=64, null=True, verbose_name='标识'),
        ),
        migrations.CreateModel(
            name='DepartmentContact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('office', models.CharField(blank=True, max_length=64, verbose_name='科室')),
                ('title', models.CharField(blank=True, max_length=32, verbose_name='职务')),
                ('name', models.CharField(blank=True, max_length=16, verbose_name='姓名')),
                ('phones', models.JSONField(blank=True, default=list, verbose_name='电话')),
                ('position', models.PositiveIntegerField(default=0, verbose_name='顺序')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='policies.department', verbose_name='部门')),
                ('measures', models.ManyToManyField(blank=True, related_name='department_contacts', to='policies.measure', verbose_name='出处')),
            ],
            options={
                'verbose_name': '文件所列联系人',
                'verbose_name_plural': '文件所列联系人',
                'ordering': ['department', 'position'],
                'constraints': [models.UniqueConstraint(fields=('department', 'office', 'title', 'name'), name='department_contact_unique')],
            },
        ),
        migrations.RunPython(give_slugs, migrations.RunPython.noop),
        migrations.RunPython(word_notes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='policydocument',
            name='slug',
            field=models.SlugField(editable=False, help_text=SLUG_HELP, max_length=64, unique=True, verbose_name='标识'),
        ),
    ]
