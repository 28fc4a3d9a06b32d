from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def full_clean_or_raise(instance, *, duplicate: str = "", duplicate_field: str = "") -> None:
    """full_clean(); on failure put the in-memory record back as it is stored and raise the errors,
    with a unique-constraint message (`duplicate`) moved next to the field it is about."""
    try:
        instance.full_clean()
    except ValidationError as error:
        errors = error.message_dict
        if duplicate and duplicate in errors.get(NON_FIELD_ERRORS, []):
            errors[NON_FIELD_ERRORS].remove(duplicate)
            errors.setdefault(duplicate_field, []).append(duplicate)
            if not errors[NON_FIELD_ERRORS]:
                del errors[NON_FIELD_ERRORS]
        if instance.pk:
            instance.refresh_from_db()
        raise ValidationError(errors) from None
