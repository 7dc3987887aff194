"""The public archive's filters: /search/ and the JSON API share this FilterSet."""

import django_filters
from django import forms
from django.db.models import Q

from articles.models import Article, Author, Outlet, Section

MAX_QUERY_LENGTH = 200


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    section = django_filters.ModelChoiceFilter(
        queryset=Section.objects.all(), to_field_name="slug", empty_label="Any section"
    )
    tag = django_filters.CharFilter(
        field_name="tags__slug", label="Tag", max_length=100
    )
    author = django_filters.ModelChoiceFilter(
        field_name="authors",
        queryset=Author.objects.all(),
        to_field_name="slug",
        empty_label="Any author",
    )
    outlet = django_filters.ModelChoiceFilter(
        queryset=Outlet.objects.all(), to_field_name="slug", empty_label="Any outlet"
    )
    language = django_filters.CharFilter(max_length=35)
    published_after = django_filters.DateFilter(
        field_name="published_at",
        lookup_expr="date__gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    published_before = django_filters.DateFilter(
        field_name="published_at",
        lookup_expr="date__lte",
        label="Until",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Article
        fields = []

    def search(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(headline__icontains=word)
                | Q(standfirst__icontains=word)
                | Q(body__icontains=word)
                | Q(tags__name__iexact=word)
            )
        return queryset.distinct() if words else queryset
