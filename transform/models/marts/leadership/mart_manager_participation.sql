{{ unit_quarter_mart([
    ['managers', 'integer'], ['managers_learning', 'integer'], ['direct_reports', 'integer'],
    ['manager_touchpoints', 'integer'], ['touchpoints_per_report', 'double'], ['t4_leadership_active', 'double'],
]) }}
