{{ unit_quarter_mart([
    ['failed_attempts', 'integer'], ['retried_within_14_days', 'integer'], ['passed_after_fail', 'integer'],
    ['t3_mistakes_as_learning', 'double'],
]) }}
