{{ unit_quarter_mart([
    ['path_enrolled_people', 'integer'], ['assignments', 'integer'], ['median_days_to_launch', 'double'],
    ['median_path_progress', 'double'], ['l3_personalised_paths', 'double'],
]) }}
