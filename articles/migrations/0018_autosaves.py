"""Autosaves of the story form: one per person and story, kept apart from stories."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0017_image_digest_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Autosave',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('data', models.JSONField(help_text="The story form's fields, as the browser had them.")),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('story', models.ForeignKey(blank=True, help_text='Blank: a new story, not saved yet.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='autosaves', to='articles.article')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-updated_at'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('story__isnull', False)), fields=('user', 'story'), name='one_autosave_per_user_and_story'), models.UniqueConstraint(condition=models.Q(('story__isnull', True)), fields=('user',), name='one_new_story_autosave_per_user')],
            },
        ),
    ]
